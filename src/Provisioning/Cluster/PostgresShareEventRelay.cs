using System.Globalization;
using System.Threading.Channels;
using Npgsql;

namespace ZfsPortal.Provisioning.Cluster;

/// <summary>
/// Carries <see cref="ShareEvents"/> between portal nodes on PostgreSQL's own LISTEN/NOTIFY (docs/adr/0025): every change
/// published on this node is sent with pg_notify (batched: one NOTIFY carries up to <see cref="PerNotify"/> changes),
/// and every change another node sent is delivered to this node's open pages. Nothing here is durable, as within one
/// node: pages re-read the database on a nudge, and a nudge lost while the listening connection reconnects only
/// delays an update until the next one.
/// </summary>
public sealed class PostgresShareEventRelay(NpgsqlDataSource dataSource, ShareEvents events, NodeIdentity node,
    ILogger<PostgresShareEventRelay> log) : BackgroundService
{
    public const string Channel = "zfsportal_share_changed";

    /// <summary>A NOTIFY payload is at most 8000 bytes; a change takes 74 and the sender's id up to 129.</summary>
    private const int PerNotify = 90;

    private readonly Channel<ShareChanged> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<ShareChanged>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this node listens (a change another node sends from then on reaches its pages).</summary>
    public Task Listening => _listening.Task;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        events.Relay = change => _outgoing.Writer.TryWrite(change);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendAsync(stoppingToken), ListenAsync(stoppingToken));

    private async Task SendAsync(CancellationToken stop)
    {
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stop))
            {
                var batch = new HashSet<ShareChanged>();
                while (batch.Count < PerNotify && _outgoing.Reader.TryRead(out var change))
                    batch.Add(change);
                try
                {
                    await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
                    command.Parameters.AddWithValue("channel", Channel);
                    command.Parameters.AddWithValue("payload", Payload(node.Id, batch));
                    await command.ExecuteNonQueryAsync(stop);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A nudge, not a record: a failure must not stop the node (a faulted BackgroundService stops the host).
                    log.LogWarning(ex, "{Count} share changes could not be sent to the other portal nodes", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stop);
                _listening.TrySetResult();
                // The timeout makes a dead connection show itself (the wait sends nothing of its own).
                while (!stop.IsCancellationRequested)
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stop))
                        await using (var ping = new NpgsqlCommand("SELECT 1", connection))
                            await ping.ExecuteNonQueryAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                log.LogWarning(ex, "Listening for other portal nodes' share changes failed; listening again in a second");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private void Receive(string payload)
    {
        if (Parse(payload) is not { } message || message.Sender == node.Id)
            return;
        foreach (var change in message.Changes)
            events.Deliver(change);
    }

    public static string Payload(string sender, IEnumerable<ShareChanged> changes) =>
        sender + "|" + string.Join(";", changes.Select(c => $"{c.ShareId:N},{c.ProjectId:N}"));

    public static (string Sender, IReadOnlyList<ShareChanged> Changes)? Parse(string payload)
    {
        var bar = payload.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
            return null;
        var changes = new List<ShareChanged>();
        foreach (var item in payload[(bar + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var ids = item.Split(',');
            if (ids.Length == 2 && Guid.TryParseExact(ids[0], "N", out var share) && Guid.TryParseExact(ids[1], "N", out var project))
                changes.Add(new ShareChanged(share, project));
        }
        return (payload[..bar], changes);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        events.Relay = null;
        _outgoing.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
