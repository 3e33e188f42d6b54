using System.Threading.Channels;
using Hangfire;
using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Writes the Hangfire backstop job of each operation offered to the <see cref="OperationDispatcher"/>, a moment
/// later and one at a time (docs/adr/0010). The request that queued the operation then returns without waiting for
/// hangfire.db, and the write does not compete for the CPU with the operation's first host command. An id whose
/// backstop was not written yet when the process dies costs nothing durable: the operation is queued in portal.db
/// and <see cref="OperationRecovery"/> finds it at the next start. At a normal stop the pending ones are written.
/// </summary>
public sealed class HangfireBackstops(IBackgroundJobClient jobs, IOptions<PortalOptions> options, TimeProvider time,
    ILogger<HangfireBackstops> log) : BackgroundService
{
    /// <summary>How long after the first offer of a batch the backstops are written; a quick operation is done by then.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    private readonly Channel<Guid> _pending = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _dueAfter = TimeSpan.FromSeconds(options.Value.HangfireBackstopSeconds);

    public void Add(Guid operationId)
    {
        if (!_pending.Writer.TryWrite(operationId))
            Write(operationId); // stopping: write it now rather than lose it
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Pause, time, stoppingToken);
                WriteAll();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        WriteAll();
    }

    private void WriteAll()
    {
        while (_pending.Reader.TryRead(out var operationId))
            Write(operationId);
    }

    private void Write(Guid operationId)
    {
        try
        {
            jobs.Schedule<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None), _dueAfter);
        }
        catch (Exception ex)
        {
            // Only the backstop is missing; OperationRecovery still finds the operation if it is stranded.
            log.LogWarning(ex, "The Hangfire backstop job of operation {OperationId} could not be written", operationId);
        }
    }
}
