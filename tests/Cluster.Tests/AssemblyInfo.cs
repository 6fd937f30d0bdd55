// Clusters and builds are CPU-heavy and the machine is small: one test at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
