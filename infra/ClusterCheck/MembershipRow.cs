using Azure;
using Azure.Data.Tables;

namespace HyperdOrleans.ClusterCheck;

/// <summary>One silo's row in the Orleans Azure membership table (partition = cluster id).</summary>
internal sealed record MembershipRow(string SiloName, string Endpoint, string Status)
{
    // The table name Orleans' Azure clustering uses unless configured otherwise.
    private const string Table = "OrleansSiloInstances";

    /// <summary>
    /// Reads the table directly rather than through a client: it shows Joining and Dead silos too, and works
    /// before any gateway is up. A missing table means no silo has started yet.
    /// </summary>
    public static async Task<IReadOnlyList<MembershipRow>> ReadAsync(string connectionString, string clusterId, CancellationToken cancellationToken)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(Table);
        var rows = new List<MembershipRow>();
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId, cancellationToken: cancellationToken))
            {
                if (e.GetString("Status") is { } status)
                {
                    rows.Add(new MembershipRow(e.GetString("SiloName") ?? "?", $"{e.GetString("Address")}:{e.GetString("Port")}", status));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        return rows;
    }
}
