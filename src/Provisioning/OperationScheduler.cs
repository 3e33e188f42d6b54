using Hangfire;

namespace ZfsPortal.Provisioning;

/// <summary>Hands an operation to a background worker; the job carries only the operation id.</summary>
public interface IOperationScheduler
{
    void Enqueue(Guid operationId);
}

public sealed class HangfireOperationScheduler(IBackgroundJobClient jobs) : IOperationScheduler
{
    public void Enqueue(Guid operationId) =>
        jobs.Enqueue<OperationJob>(job => job.RunAsync(operationId, CancellationToken.None));
}
