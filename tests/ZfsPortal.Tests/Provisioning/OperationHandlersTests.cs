using ZfsPortal.Data;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>Handlers are found by scanning; a kind without one (or with two) would strand its operations.</summary>
public sealed class OperationHandlersTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public void Every_operation_kind_has_exactly_one_handler()
    {
        var kinds = _world.Handlers.Select(h => h.Kind).Order().ToList();

        Assert.Equal(Enum.GetValues<OperationKind>().Order(), kinds);
    }

    [Fact]
    public void Only_access_syncs_and_drift_repairs_take_turns_per_share()
    {
        var turnTaking = _world.Handlers.Where(h => h.TakesTurnsPerShare).Select(h => h.Kind).Order();

        // Both apply the share's whole export set, so they take turns with each other too (OperationClaim).
        Assert.Equal([OperationKind.SyncAccessRules, OperationKind.RepairShare], turnTaking);
    }

    public void Dispose() => _world.Dispose();
}
