namespace ZfsPortal.Provisioning;

public sealed record ShareChanged(Guid ShareId, Guid ProjectId);

/// <summary>
/// Pushes "this share changed" to open pages (singleton). Pages re-read the database on a change, so
/// what they show never depends on having watched: the records are the truth, the event is a nudge.
/// </summary>
public sealed class ShareEvents(ILogger<ShareEvents> log)
{
    private readonly Lock _gate = new();
    // Replaced, never mutated, so Publish can read it without the lock.
    private Func<ShareChanged, Task>[] _handlers = [];

    public IDisposable Subscribe(Func<ShareChanged, Task> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
        return new Subscription(() => { lock (_gate) _handlers = _handlers.Where(h => h != handler).ToArray(); });
    }

    /// <summary>
    /// Set by a cross-node relay (PostgreSQL mode, <see cref="Cluster.PostgresShareEventRelay"/>): every change published
    /// here is sent on to the other portal nodes too.
    /// </summary>
    public Action<ShareChanged>? Relay { get; set; }

    public void Publish(ShareChanged change)
    {
        Deliver(change);
        Relay?.Invoke(change);
    }

    /// <summary>To this node's pages only: a change another node published.</summary>
    public void Deliver(ShareChanged change)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
            _ = InvokeAsync(handler, change);
    }

    private async Task InvokeAsync(Func<ShareChanged, Task> handler, ShareChanged change)
    {
        try { await handler(change); }
        catch (Exception ex) { log.LogWarning(ex, "A page failed to handle a change of share {ShareId}", change.ShareId); }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
