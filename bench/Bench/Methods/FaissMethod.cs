using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// FAISS <c>IndexIVFFlat</c> (inner product over normalised rows, spherical k-means with the engine's settings
/// and the engine's total cluster count) driven through <c>bench/faiss_ivf.py</c> in a child process. The harness
/// samples the child's RssAnon until the script reports the end of its build, and scores its answers itself.
/// </summary>
internal sealed class FaissMethod(BenchOptions options, Dataset data, DatasetResult result, BenchResults run, TextWriter log)
{
    public void Run(int clusters)
    {
        string script = FindScript();
        string output = Path.Combine(options.CacheDirectory, "faiss", data.Name);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        int[] nprobes = [.. options.FlatNProbes.Where(p => p <= clusters)];
        var info = new ProcessStartInfo(options.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[]
        {
            script, "--base", data.BasePath, "--queries", data.QueriesPath, "--nq", Str(data.QueryCount), "--nlist", Str(clusters),
            "--nprobe", string.Join(',', nprobes), "--threads", Str(options.Threads), "--latency-queries", Str(options.LatencyQueries),
            "--seed", Str(DatasetCatalog.Seed), "--out", output,
        })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["OPENBLAS_NUM_THREADS"] = Str(options.Threads);
        info.Environment["OMP_NUM_THREADS"] = Str(options.Threads);
        log.WriteLine($"  faiss: IndexIVFFlat nlist={clusters}, {options.Threads} threads, via {options.Python} {Path.GetFileName(script)}...");
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {options.Python}.");
        using var sampler = new PeakMemorySampler(process.Id);
        long buildPeakAnon = 0;
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith("#build-done", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref buildPeakAnon, sampler.PeakRssAnonBytes ?? 0);
            }
            else if (e.Data.StartsWith('#'))
            {
                log.WriteLine($"  faiss: {e.Data[1..]}");
            }
            else
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"faiss_ivf.py failed with exit code {process.ExitCode}: "
                + $"{string.Join(Environment.NewLine, errors.TakeLast(15))}");
        }

        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        string[] blas = [.. root.GetProperty("blas").EnumerateArray().Select(e => e.GetString() ?? "")];
        bool openBlas = blas.Any(b => b.Contains("openblas", StringComparison.OrdinalIgnoreCase));
        string note = $"FAISS {root.GetProperty("faiss_version").GetString()} (Debian python3-faiss, a generic build without AVX2/AVX-512 kernels); "
            + $"BLAS loaded: {(blas.Length == 0 ? "none found" : string.Join(", ", blas))}"
            + (openBlas ? "" : " — NOT OpenBLAS: the reference BLAS makes FAISS 15-37x slower, an unfair peer");
        if (!run.Notes.Contains(note))
        {
            run.Notes.Add(note);
        }

        var build = new BuildResult
        {
            Method = MethodNames.Faiss,
            Count = data.Count,
            Threads = options.Threads,
            Clusters = clusters,
            Seconds = root.GetProperty("build_seconds").GetDouble(),
            CpuSeconds = root.GetProperty("build_cpu_seconds").GetDouble(),
            PeakRssAnonBytes = Math.Max(Interlocked.Read(ref buildPeakAnon), root.GetProperty("build_rss_anon_bytes").GetInt64()),
            PeakHwmBytes = root.GetProperty("build_vmhwm_bytes").GetInt64(),
            RawBytes = data.RawBytes,
            Note = $"train {root.GetProperty("train_seconds").GetDouble():F1} s; memory of the whole python process",
        };
        result.Builds.Add(build);
        log.WriteLine($"  faiss: built in {build.Seconds:F1} s (train {root.GetProperty("train_seconds").GetDouble():F1} s), peak RssAnon "
            + $"{build.PeakRssAnonBytes / 1e6:F0} MB, VmHWM {build.PeakHwmBytes / 1e6:F0} MB");

        foreach (JsonElement p in root.GetProperty("points").EnumerateArray())
        {
            int nprobe = p.GetProperty("nprobe").GetInt32();
            Neighbor[][] a10 = ReadAnswers(p.GetProperty("answers10").GetString()!, 10);
            Neighbor[][] a100 = ReadAnswers(p.GetProperty("answers100").GetString()!, 100);
            var point = new SearchPoint
            {
                Method = MethodNames.Faiss,
                Setting = $"nprobe={nprobe}",
                NProbe = nprobe,
                RecallAt10 = Recall.AtK(a10, data.GroundTruth, 10),
                RecallAt100 = Recall.AtK(a100, data.GroundTruth, 100),
                QueriesPerSecond = p.GetProperty("qps10").GetDouble(),
                QueriesPerSecondAt100 = p.GetProperty("qps100").GetDouble(),
                QueriesPerCpuSecond = p.GetProperty("qps10_cpu").GetDouble(),
                CpuP50Ms = p.TryGetProperty("cpu_p50_ms", out JsonElement c50) ? c50.GetDouble() : double.NaN,
                CpuP99Ms = p.TryGetProperty("cpu_p99_ms", out JsonElement c99) ? c99.GetDouble() : double.NaN,
                LatencyP50Ms = p.TryGetProperty("p50_ms", out JsonElement p50) ? p50.GetDouble() : double.NaN,
                LatencyP99Ms = p.TryGetProperty("p99_ms", out JsonElement p99) ? p99.GetDouble() : double.NaN,
                Queries = data.QueryCount,
            };
            result.Points.Add(point);
            log.WriteLine($"  {MethodNames.Faiss,-13} {point.Setting,-26} recall@10 {point.RecallAt10:F4}  recall@100 {point.RecallAt100:F4}  "
                + $"{point.QueriesPerSecond,9:F0} q/s ({point.QueriesPerCpuSecond:F0} per CPU-s)  p50 {point.LatencyP50Ms:F3} ms");
        }

        Directory.Delete(output, recursive: true);
    }

    /// <summary>Whether the interpreter can import faiss; the reason when it cannot.</summary>
    public static string? Unavailable(BenchOptions options)
    {
        try
        {
            var info = new ProcessStartInfo(options.Python, "-c \"import faiss\"") { RedirectStandardError = true, RedirectStandardOutput = true };
            using Process process = Process.Start(info)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null
                : $"{options.Python} cannot import faiss ({error.Trim().Split('\n').LastOrDefault()}): apt-get install -y python3-faiss "
                    + $"libopenblas0-pthread";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{options.Python} not found ({e.Message})";
        }
    }

    private Neighbor[][] ReadAnswers(string stem, int k)
    {
        long[] ids = MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(stem + ".ids")).ToArray();
        float[] scores = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(stem + ".scores")).ToArray();
        var answers = new Neighbor[data.QueryCount][];
        for (int q = 0; q < answers.Length; q++)
        {
            // FAISS pads with id -1 when fewer than k were found.
            answers[q] = [.. Enumerable.Range(q * k, k).Where(i => ids[i] >= 0).Select(i => new Neighbor(ids[i], scores[i]))];
        }

        return answers;
    }

    private static string FindScript()
    {
        foreach (string candidate in new[] { Path.Combine(AppContext.BaseDirectory, "faiss_ivf.py"), Path.Combine("bench", "faiss_ivf.py") })
        {
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException("bench/faiss_ivf.py not found beside the harness or under the current directory.");
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
