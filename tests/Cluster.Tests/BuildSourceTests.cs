using HyperdOrleans.Abstractions;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Security;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Hostile build paths: the test silos' only import root is the cluster's folder, so every file outside it must be
/// refused with one message that tells nothing about what lies there.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class BuildSourceTests(SharedClusterFixture fixture) : IDisposable
{
    private const string NotInside = "is not inside an import root of this cluster (Hyperd:ImportRoots)";

    private readonly string _outside = Directory.CreateTempSubdirectory("hyperd-outside-").FullName;

    private HyperdClient Client => fixture.Hyperd.Client;

    private string Root => fixture.Hyperd.Root;

    [Fact]
    public async Task EtcPasswdIsRefused()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-passwd", new BuildRequest("/etc/passwd")));
        Assert.Contains($"source '/etc/passwd' {NotInside}", refused.Message);
    }

    [Fact]
    public async Task ADotDotEscapeFromARootIsRefused()
    {
        string outsideFile = WriteVectors(_outside, "escape.fvecs");
        string escape = Path.Combine(Root, "..", Path.GetFileName(_outside), "escape.fvecs");
        Assert.True(File.Exists(escape));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-dotdot", new BuildRequest(escape)));
        Assert.Contains(NotInside, refused.Message);
        Assert.DoesNotContain(outsideFile, refused.Message);
    }

    [Fact]
    public async Task ASymlinkInsideARootPointingOutsideIsRefused()
    {
        string outsideFile = WriteVectors(_outside, "target.fvecs");
        string link = Path.Combine(Root, $"link-{Guid.NewGuid():N}.fvecs");
        File.CreateSymbolicLink(link, outsideFile);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-link", new BuildRequest(link)));
        Assert.Contains($"source '{link}' {NotInside}", refused.Message);
    }

    [Fact]
    public async Task ADirectorySymlinkInsideARootPointingOutsideIsRefused()
    {
        WriteVectors(_outside, "behind-dir-link.fvecs");
        string linkedDir = Path.Combine(Root, $"dir-link-{Guid.NewGuid():N}");
        Directory.CreateSymbolicLink(linkedDir, _outside);
        string viaLink = Path.Combine(linkedDir, "behind-dir-link.fvecs");

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-dir-link", new BuildRequest(viaLink)));
        Assert.Contains(NotInside, refused.Message);
    }

    [Fact]
    public async Task AnOutsidePathGetsTheSameMessageWhetherItExistsOrNot()
    {
        string existing = WriteVectors(_outside, "exists.fvecs");
        string missing = Path.Combine(_outside, "missing.fvecs");

        var forExisting = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-exists", new BuildRequest(existing)));
        var forMissing = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("hostile-exists", new BuildRequest(missing)));

        // The message quotes the path as given and nothing else about it.
        Assert.Equal(forExisting.Message.Replace(existing, "<source>"), forMissing.Message.Replace(missing, "<source>"));
    }

    [Fact]
    public async Task AMissingFileInsideARootSaysItCannotBeRead()
    {
        string missing = Path.Combine(Root, "missing-inside.fvecs");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("inside-missing", new BuildRequest(missing)));
        Assert.Contains($"source '{missing}' cannot be read as a vector file", refused.Message);
        Assert.DoesNotContain(NotInside, refused.Message);
    }

    [Fact]
    public async Task AMalformedFileInsideARootIsAnArgumentError()
    {
        string malformed = Path.Combine(Root, "malformed.fvecs");
        await File.WriteAllBytesAsync(malformed, [1, 2, 3]);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync("inside-malformed", new BuildRequest(malformed)));
        Assert.Contains("cannot be read as a vector file", refused.Message);
    }

    [Fact]
    public async Task AFileInsideARootBuilds()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Root, "inside", "nested")).FullName;
        var data = new TestData(folder, 300, seed: 13);
        IndexStatus built = await Within.Phase(
            "build from a file inside the import root",
            Client.BuildAsync("inside-builds", new BuildRequest(data.Path)));
        Assert.Equal(300, built.Count);
    }

    [Fact]
    public void WithoutImportRootsEveryPathIsRefusedAndTheMessageSaysHowToConfigureOne()
    {
        var refused = Assert.Throws<ArgumentException>(() => BuildSourcePolicy.Admit(new HyperdOptions(), Path.Combine(Root, "any.fvecs")));
        Assert.Contains("set Hyperd:ImportRoots", refused.Message);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_outside, recursive: true);
        }
        catch (IOException)
        {
            // Temp space only.
        }
    }

    private static string WriteVectors(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        new SyntheticData(SyntheticKind.Clustered, TestData.Dimensions, 5).WriteFile(path, 50);
        return path;
    }
}
