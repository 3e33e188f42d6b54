using Hangfire;

namespace ZfsPortal.Provisioning;

/// <summary>Hands an operation to a background worker; the job carries only the operation id.</summary>
public interface IOperationScheduler
{
    void Enqueue(Guid operationId);

    /// <summary>Runs the operation's job again after a short wait (its turn has not come yet).</summary>
    void EnqueueAfter(Guid operationId, TimeSpan delay);
}

public sealed class HangfireOperationScheduler(IBackgroundJobClient jobs) : IOperationScheduler
{
    public void Enqueue(Guid operationId) =>
        jobs.Enqueue<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None));

    public void EnqueueAfter(Guid operationId, TimeSpan delay) =>
        jobs.Schedule<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None), delay);
}
