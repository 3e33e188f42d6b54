namespace ZfsPortal.Data;

/// <summary>
/// A named single-runner lease (the backend health check, the reconciler): the node that holds it until
/// <see cref="ExpiresAt"/> runs the work; the others skip it. See <c>Provisioning.Cluster.SingleRunnerLease</c>.
/// </summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
}
