namespace HyperdOrleans.Grains.Storage;

/// <summary>An append found the file at another length than its writer expected: the bytes were not written.</summary>
public sealed class AppendConflictException(string name, long expectedLength, long? actualLength)
    : IOException($"'{name}' holds {(actualLength is { } a ? $"{a} bytes" : "nothing")} where its writer expected {expectedLength}: "
        + "the append was not written.")
{
    public string Name { get; } = name;

    public long ExpectedLength { get; } = expectedLength;

    /// <summary>Null when the file does not exist.</summary>
    public long? ActualLength { get; } = actualLength;
}
