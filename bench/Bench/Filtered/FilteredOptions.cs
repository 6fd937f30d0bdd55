using System.Globalization;

namespace HyperdOrleans.Bench.Filtered;

/// <summary>The options of the <c>filtered</c> mode. Immutable once parsed.</summary>
public sealed record FilteredOptions
{
    public const string Usage = """
        Filtered search on GloVe (words tagged by frequency band and first letter): recall@10 and queries/s of the
        engine's in-scan filter, post-filtering and exact filtered search at filters keeping ~50 %, 10 %, 1 %, 0.1 %.

        dotnet run --project bench/Bench -c Release -- filtered [options]

          --queries N        held-out GloVe queries (default 1000)
          --threads N        threads for every method (default 2)
          --repeats N        timed runs per method and filter; the table shows medians (default 3)
          --lsh-probes N     the engine's lshProbes (default 7: recall@10 0.95 unfiltered on GloVe with nprobe 15)
          --nprobe N         the engine's nprobe (default 15)
          --cache DIR        data and index cache (default ~/.cache/hyperd/bench)
          --out DIR          where report.md goes (default docs/benchmarks/filtered)
          --rebuild          build the fielded index again even if the cache holds one
        """;

    public int Queries { get; init; } = 1000;

    public int Threads { get; init; } = 2;

    public int Repeats { get; init; } = 3;

    public int LshProbes { get; init; } = 7;

    public int NProbe { get; init; } = 15;

    public string CacheDirectory { get; init; } = BenchOptions.DefaultCache();

    public string OutDirectory { get; init; } = Path.Combine("docs", "benchmarks", "filtered");

    public bool Rebuild { get; init; }

    public string CommandLine { get; init; } = "";

    /// <summary>Parses the arguments after <c>filtered</c>; throws <see cref="ArgumentException"/> naming a bad option.</summary>
    public static FilteredOptions Parse(IReadOnlyList<string> args)
    {
        var o = new FilteredOptions { CommandLine = "dotnet run --project bench/Bench -c Release -- filtered " + string.Join(' ', args) };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Positive() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v
                : throw new ArgumentException($"{name} needs a positive whole number, got '{args[i]}'.");
            o = name switch
            {
                "--queries" => o with { Queries = Positive() },
                "--threads" => o with { Threads = Positive() },
                "--repeats" => o with { Repeats = Positive() },
                "--lsh-probes" => o with { LshProbes = Positive() },
                "--nprobe" => o with { NProbe = Positive() },
                "--cache" => o with { CacheDirectory = Value() },
                "--out" => o with { OutDirectory = Value() },
                "--rebuild" => o with { Rebuild = true },
                _ => throw new ArgumentException($"unknown option '{name}' for the filtered mode."),
            };
        }

        return o;
    }
}
