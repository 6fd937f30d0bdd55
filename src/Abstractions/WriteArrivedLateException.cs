namespace HyperdOrleans.Abstractions;

/// <summary>
/// The index grain refused a write attempt that reached it too close to its deadline (<see cref="WriteDeadline"/>), or after it:
/// nothing of it was applied. The SDK sends the write again while the call's own deadline allows, since the refusal is certain.
/// </summary>
[GenerateSerializer, Alias("hyperd.WriteArrivedLateException")]
public sealed class WriteArrivedLateException(string message) : TimeoutException(message);
