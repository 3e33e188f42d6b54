using Hangfire;
using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>Hands an operation to a worker; the job carries only the operation id.</summary>
public interface IOperationScheduler
{
    void Enqueue(Guid operationId);

    /// <summary>Runs the operation's job again after a short wait (its turn has not come yet).</summary>
    void EnqueueAfter(Guid operationId, TimeSpan delay);
}

/// <summary>
/// Offers the operation to this process's <see cref="OperationDispatcher"/>, which runs it within milliseconds,
/// and leaves a Hangfire job behind as the durable backstop (written a moment later by <see cref="HangfireBackstops"/>
/// where it runs). A node without a dispatcher (<c>Portal:RunJobs</c> false) leaves only the Hangfire job, for a
/// node that runs jobs.
/// </summary>
public sealed class OperationScheduler(
    IBackgroundJobClient jobs, IOptions<PortalOptions> options, OperationDispatcher? dispatcher = null,
    HangfireBackstops? backstops = null) : IOperationScheduler
{
    private readonly TimeSpan _backstopDelay = TimeSpan.FromSeconds(options.Value.HangfireBackstopSeconds);

    public void Enqueue(Guid operationId)
    {
        var offered = dispatcher?.TryOffer(operationId) == true;
        if (offered && _backstopDelay > TimeSpan.Zero && backstops is not null)
            backstops.Add(operationId);
        else if (offered && _backstopDelay > TimeSpan.Zero)
            jobs.Schedule<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None), _backstopDelay);
        else
            jobs.Enqueue<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None));
    }

    // The operation's backstop job exists already; a turn wait stays in-process.
    public void EnqueueAfter(Guid operationId, TimeSpan delay)
    {
        if (dispatcher is not null)
            dispatcher.OfferAfter(operationId, delay);
        else
            jobs.Schedule<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None), delay);
    }
}
