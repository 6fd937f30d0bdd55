namespace HyperdOrleans.Engine;

/// <summary>A vector that cannot be indexed or searched under cosine: zero, NaN, infinite or of the wrong length.</summary>
public sealed class InvalidVectorException(string message) : ArgumentException(message);
