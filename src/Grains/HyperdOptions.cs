namespace HyperdOrleans.Grains;

/// <summary>Silo-side settings of the HyperdOrleans grains (section <c>Hyperd</c> of the silo's configuration).</summary>
public sealed class HyperdOptions
{
    public const string Section = "Hyperd";

    /// <summary>Where this silo keeps its local copies of the files it serves (memory-mapped from there).</summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "hyperd-cache");

    /// <summary>Scratch space of rebuilds on this silo (spill files, downloaded sources); emptied after each.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "hyperd-work");

    /// <summary>Cores one build job may use (0: every core of its silo).</summary>
    public int BuildThreads { get; set; }

    /// <summary>
    /// The index grain starts a rebuild from its own data once this many appends and deletes (ids) are
    /// pending since the last generation. 0 switches the automatic rebuild off.
    /// </summary>
    public long RebuildPendingThreshold { get; set; } = 100_000;

    /// <summary>
    /// The index grain also rebuilds once the pending appends and deletes reach this fraction of the served rows (whichever
    /// of this and <see cref="RebuildPendingThreshold"/> comes first; never below <see cref="FirstBuildRows"/>), so a small
    /// index does not scan a pending set as large as itself. 0 switches the fraction rule off.
    /// </summary>
    public double RebuildPendingFraction { get; set; } = 0.25;

    /// <summary>
    /// An index created empty gets its first build (k-means clusters and LSH planes fitted to its rows) once this many rows
    /// are pending; until then its rows are scanned exactly. 0 leaves the first build to a client's request.
    /// </summary>
    public long FirstBuildRows { get; set; } = 10_000;

    /// <summary>How often the index grain looks at its running build jobs (progress, and whether their silo is still there).</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a coordinator answers from its cached copy of an index's manifest before asking the index grain again,
    /// so changed default search settings reach every silo within this time. A new generation is seen at once
    /// (the buckets say so); its centroids are fetched only then.
    /// </summary>
    public TimeSpan RouteRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Warm the search path while the silo starts (about a second of one core, before it takes requests), so the first
    /// queries run at nearly steady speed. Tests that start many silos may turn it off.
    /// </summary>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>The largest k a query may ask for.</summary>
    public int MaxK { get; set; } = 10_000;

    /// <summary>
    /// A batch of queries under a shared budget is planned and sent to the buckets in passes of at most this many
    /// (query, cluster) pairs, so the plan and each bucket request stay a few MB (and far below Orleans' message
    /// size limit) however many queries a client sends at once. 2^19 keeps hundreds of queries per pass even at
    /// 8 × 200 clusters, enough for the bucket's blocked scan.
    /// </summary>
    public int MaxPairsPerFanOut { get; set; } = 1 << 19;

    /// <summary>
    /// How long an append or delete waits for the file store to confirm its write-ahead log record before it fails with a
    /// <see cref="TimeoutException"/> (and nothing of it applied), so a stalled store fails calls fast instead of holding them.
    /// </summary>
    public TimeSpan LogAppendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A write-ahead log segment is closed and a new one started past this size (and after a failed write).</summary>
    public long LogSegmentBytes { get; set; } = 64L << 20;

    /// <summary>
    /// The most ids one append or delete may carry. Each call is one write-ahead log record, applied all or nothing; larger
    /// loads go in several calls (appends are upserts by id, so a retried call is safe).
    /// </summary>
    public int MaxIdsPerWrite { get; set; } = 100_000;

    /// <summary>
    /// How often an index grain checks how its buckets are spread over the active silos and, when one silo holds two more
    /// than another (after a restart or a scale-out), moves one bucket to the emptiest silo. Zero turns it off.
    /// </summary>
    public TimeSpan BucketBalanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most replicas a bucket may have.</summary>
    public const int MaxReplicas = 8;

    /// <summary>
    /// Copies of each bucket, placed on distinct silos while there are that many (1..8). A query asks one replica per
    /// bucket and fails over to another, so losing a silo fails no search. Every write goes to every replica, and each
    /// replica maps its own copy of its bucket's files. 1 is the single-copy layout; every silo must use the same value.
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// Shards per bucket for a build that does not ask for a number (<c>BuildRequest.Shards</c>): 0 lets the rule choose
    /// (<see cref="Engine.Build.ShardRule"/>: enough that every silo serves a shard replica, none above
    /// <see cref="MaxRowsPerShard"/> rows), 1..64 fixes it. A bucket's shards are grains of their own, placed like replicas.
    /// </summary>
    public int Shards { get; set; }

    /// <summary>The rule's size cap: a bucket of more rows is split into more shards (4,000,000 by default).</summary>
    public long MaxRowsPerShard { get; set; } = Engine.Build.ShardRule.DefaultMaxRowsPerShard;

    /// <summary>
    /// How long a coordinator waits for one replica's answer before it asks the next one (with <see cref="Replicas"/> above 1;
    /// a single replica is waited for until the caller's deadline).
    /// </summary>
    public TimeSpan ReplicaAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Full names of grain interfaces that clients may call besides the client contract (IIndexGrain and
    /// ISearchCoordinatorGrain), such as <c>Orleans.Runtime.IManagementGrain</c> for an operator's tool. Default none.
    /// </summary>
    public List<string> ClientCallableInterfaces { get; set; } = [];

    /// <summary>
    /// Directories a build may read its source file from (<c>BuildRequest.SourcePath</c>), checked after resolving
    /// <c>..</c> and symbolic links. Default none: a silo builds only from its own data until roots are configured.
    /// </summary>
    public List<string> ImportRoots { get; set; } = [];
}
