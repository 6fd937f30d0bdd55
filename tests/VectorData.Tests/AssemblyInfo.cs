// Clusters and builds are CPU-heavy and the machine is small: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
