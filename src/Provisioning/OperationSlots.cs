using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>
/// The one gate every run of <see cref="OperationJob"/> passes, whoever started it. Hangfire's workers and
/// the <see cref="OperationDispatcher"/>'s loops each number <c>Portal:WorkerCount</c>, but together they must
/// never run more than that many operations at once: zfs-fuse 0.7 deadlocked for good with 16 concurrent
/// creates and never with 8 (docs/benchmarks.md, "zfs-fuse deadlocks under concurrency").
/// </summary>
public sealed class OperationSlots(IOptions<PortalOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _free = new(options.Value.WorkerCount, options.Value.WorkerCount);

    public Task WaitAsync(CancellationToken ct) => _free.WaitAsync(ct);

    public void Release() => _free.Release();

    public void Dispose() => _free.Dispose();
}
