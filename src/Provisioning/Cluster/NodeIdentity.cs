namespace ZfsPortal.Provisioning.Cluster;

/// <summary>
/// This process among the portal nodes that share one database: the holder written into leases, and the sender
/// of the cross-node share events (a node ignores its own). New at every start, so a restarted node is a new holder.
/// </summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    // The lease's Holder column takes 128 characters; the random part is at the end, so the start is cut.
    private static string Truncate(string id) => id.Length <= 128 ? id : id[^128..];
}
