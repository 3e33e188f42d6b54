using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Runs a queued operation at once, in this process, instead of waiting for Hangfire to poll its storage
/// (docs/adr/0010-run-operations-in-process-hangfire-as-backstop.md). Nothing here is durable: an id still in
/// the channel when the portal stops is run later by the operation's Hangfire backstop job or by
/// <see cref="OperationRecovery"/>, because the operation itself is queued in portal.db.
/// </summary>
public sealed class OperationDispatcher(
    IServiceScopeFactory scopes, IOptions<PortalOptions> options, TimeProvider time, ILogger<OperationDispatcher> log)
    : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Hands the operation to a loop; buffered until the loops start; false once the portal stops.</summary>
    public bool TryOffer(Guid operationId) => _queue.Writer.TryWrite(operationId);

    /// <summary>Offers the operation again after a wait (its turn has not come yet); dropped at shutdown.</summary>
    public void OfferAfter(Guid operationId, TimeSpan delay) => _ = OfferLaterAsync(operationId, delay);

    private async Task OfferLaterAsync(Guid operationId, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, _stopping.Token);
            TryOffer(operationId);
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.WorkerCount).Select(_ => ReadAsync(stoppingToken)));

    private async Task ReadAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var operationId in _queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(operationId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(Guid operationId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OperationJob>().RunAsync(operationId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The portal is stopping; the operation is resumed after the restart (ADR 4).
        }
        catch (Exception ex)
        {
            // OperationJob has recorded what it could; one broken run must not stop the loop.
            log.LogError(ex, "Operation {OperationId} ended with an error outside its handler", operationId);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }
}
