using ScottPlot;
using ScottPlot.TickGenerators;

namespace HyperdOrleans.Bench.Report;

/// <summary>
/// PNG charts through ScottPlot (headless). ScottPlot has no true log axis: values are plotted as log10 and the
/// ticks relabelled. It draws text with the machine's fonts and silently drops all text when it finds none, so
/// <see cref="EnsureFonts"/> fails first, clearly.
/// </summary>
public static class Charts
{
    public const int Width = 1000;
    public const int Height = 650;

    /// <summary>Throws when no font is available (the PNGs would carry no text at all).</summary>
    public static void EnsureFonts()
    {
        if (string.IsNullOrWhiteSpace(Fonts.Default))
        {
            throw new InvalidOperationException("ScottPlot found no font (Fonts.Default is empty): charts would have no text. Install one, e.g. "
                + "apt-get install -y fonts-dejavu-core.");
        }
    }

    /// <summary>Recall@10 against speed (log), one series per method, each drawn as its Pareto frontier; plus the engine at lshProbes 6.</summary>
    public static void RecallVersusSpeed(
        string path,
        string title,
        IReadOnlyList<SearchPoint> points,
        Func<SearchPoint, double> speed,
        string speedLabel)
    {
        var plot = new Plot();
        var series = new List<(string Label, List<SearchPoint> Points, bool Line)>();
        List<SearchPoint> engine = [.. points.Where(p => p.Method == MethodNames.Engine)];
        if (engine.Count > 0)
        {
            series.Add(("engine (Pareto frontier of lshProbes x nprobe)", Frontier(engine, speed), true));
            List<SearchPoint> six = [.. engine.Where(p => p.LshProbes == 6).OrderBy(p => p.NProbe)];
            if (six.Count > 1)
            {
                series.Add(("engine, lshProbes=6 (nprobe order)", six, true));
            }
        }

        // Every other method as its Pareto frontier too (ann-benchmarks' convention): a sweep whose low settings
        // are slowed by fixed costs would otherwise zig-zag.
        foreach (string method in points.Select(p => p.Method).Distinct().Where(m => m != MethodNames.Engine))
        {
            List<SearchPoint> mine = [.. points.Where(p => p.Method == method)];
            series.Add((Label(method), Frontier(mine, speed), mine.Count > 1));
        }

        foreach ((string label, List<SearchPoint> mine, bool line) in series)
        {
            SearchPoint[] sorted = [.. mine.Where(p => speed(p) > 0)];
            var scatter = plot.Add.Scatter(sorted.Select(p => Math.Log10(speed(p))).ToArray(), sorted.Select(p => p.RecallAt10).ToArray());
            scatter.LegendText = label;
            scatter.MarkerSize = line ? 6 : 12;
            scatter.LineWidth = line ? 2 : 0;
        }

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.XLabel($"{speedLabel} (log scale)");
        plot.YLabel("recall@10");
        plot.Title(title);
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>One value per build against N (log), one series per method.</summary>
    public static void BuildVersusN(
        string path,
        string title,
        string yLabel,
        IReadOnlyList<BuildResult> builds,
        Func<BuildResult, double> value,
        IReadOnlyList<(string Label, double[] Xs, double[] Ys)>? extra = null)
    {
        var plot = new Plot();
        foreach (IGrouping<string, BuildResult> method in builds.GroupBy(b => b.Method))
        {
            BuildResult[] sorted = [.. method.OrderBy(b => b.Count)];
            var scatter = plot.Add.Scatter(sorted.Select(b => Math.Log10(b.Count)).ToArray(), sorted.Select(value).ToArray());
            scatter.LegendText = Label(method.Key);
            scatter.MarkerSize = 8;
            scatter.LineWidth = 2;
        }

        foreach ((string label, double[] xs, double[] ys) in extra ?? [])
        {
            var scatter = plot.Add.Scatter(xs.Select(Math.Log10).ToArray(), ys);
            scatter.LegendText = label;
            scatter.LinePattern = LinePattern.Dashed;
            scatter.MarkerSize = 0;
        }

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.XLabel("N (rows, log scale)");
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    public static string Label(string method) => method switch
    {
        MethodNames.EnginePerBucket => "engine, nprobe per bucket (no shared budget)",
        MethodNames.EngineNoLsh => "engine, LSH off (one bucket, same clusters)",
        MethodNames.EngineRandomPlanes => "engine, random LSH planes",
        MethodNames.USearch => "USearch HNSW (ef sweep)",
        MethodNames.Faiss => "FAISS IVF-Flat (nprobe sweep; generic build, no AVX)",
        _ => method,
    };

    /// <summary>The points no other point beats on both recall and speed, fastest first (a line drawn through them is monotone).</summary>
    public static List<SearchPoint> Frontier(IEnumerable<SearchPoint> points, Func<SearchPoint, double> speed)
    {
        var frontier = new List<SearchPoint>();
        double best = double.NegativeInfinity;
        foreach (SearchPoint p in points.OrderByDescending(speed).ThenByDescending(p => p.RecallAt10))
        {
            if (p.RecallAt10 > best)
            {
                frontier.Add(p);
                best = p.RecallAt10;
            }
        }

        return frontier;
    }

    private static NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v) switch
        {
            >= 1e6 => $"{Math.Pow(10, v) / 1e6:0.#}M",
            >= 1e3 => $"{Math.Pow(10, v) / 1e3:0.#}k",
            double x => $"{x:0.##}",
        },
    };
}
