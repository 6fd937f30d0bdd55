namespace HyperdOrleans.VectorData;

/// <summary>Names the connector keeps for itself in an index's data fields.</summary>
internal static class ReservedFields
{
    /// <summary>
    /// The original string or Guid key of a row, beside the 64-bit id hashed from it: reads return the key and a hash collision is
    /// caught (see docs/decisions/keys.md). Not indexed: nothing filters on it.
    /// </summary>
    public const string Key = "hyperd_key";
}
