using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>
/// A portal's stop must not fail at its recovery loop: WebApplicationFactory stops the host again after its container has
/// disposed the loop, which threw ObjectDisposedException from StopAsync and failed whichever test disposed the portal.
/// </summary>
public sealed class RecoveryLoopStopTests : IDisposable
{
    private readonly TestWorld _world = new();

    private OperationRecoveryLoop Loop()
    {
        var options = Options.Create(_world.Portal);
        var recovery = new OperationRecovery(_world.Db, _world.Scheduler, TimeProvider.System, options, NullLogger<OperationRecovery>.Instance);
        return new OperationRecoveryLoop(recovery, options, TimeProvider.System, NullLogger<OperationRecoveryLoop>.Instance);
    }

    [Fact]
    public async Task A_loop_stopped_after_it_was_disposed_stops_quietly_and_a_second_stop_does_nothing()
    {
        var disposedFirst = Loop();
        await disposedFirst.StartAsync(default);
        disposedFirst.Dispose();
        await disposedFirst.StopAsync(default);

        var stoppedTwice = Loop();
        await stoppedTwice.StartAsync(default);
        await stoppedTwice.StopAsync(default);
        await stoppedTwice.StopAsync(default);
        stoppedTwice.Dispose();
    }

    public void Dispose() => _world.Dispose();
}
