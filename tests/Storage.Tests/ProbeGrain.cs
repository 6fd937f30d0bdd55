using HyperdOrleans.Silo;
using Orleans.Placement;
using Orleans.Runtime;

namespace HyperdOrleans.Storage.Tests;

/// <summary>A grain whose state goes through the silo's "hyperd" grain storage, and which tells where it runs.</summary>
[Alias("hyperd.tests.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task SetAsync(string value);

    [Alias("Get")]
    Task<string?> GetAsync();

    [Alias("Silo")]
    Task<string> SiloAsync();
}

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }
}

// Random placement so that a few dozen probes land on every silo; the default placement may keep them on one.
[RandomPlacement]
public sealed class ProbeGrain(
    [PersistentState("probe", AzureSiloConfiguration.GrainStorageName)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IProbeGrain
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToString());
}
