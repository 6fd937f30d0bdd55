using System.Globalization;

namespace HyperdOrleans.Grains;

/// <summary>How the server's grain keys are composed: <c>index/bucket</c> for a bucket, <c>index/generation/bucket</c> for a build job.</summary>
public static class GrainKeys
{
    public static string Bucket(string index, int bucket) => $"{index}/{bucket.ToString(CultureInfo.InvariantCulture)}";

    public static string BuildJob(string index, long generation, int bucket) =>
        $"{index}/{generation.ToString(CultureInfo.InvariantCulture)}/{bucket.ToString(CultureInfo.InvariantCulture)}";

    public static (string Index, int Bucket) ParseBucket(string key)
    {
        int slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key.AsSpan(slash + 1), CultureInfo.InvariantCulture));
    }
}
