using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class FakeBackendProbeTests
{
    private static readonly BackendOptions Backend = new() { Name = "b1", Pools = ["tank"] };

    [Fact]
    public async Task By_default_a_backend_is_healthy_and_passes_preflight()
    {
        var probe = new FakeBackendProbe();

        var health = await probe.CheckHealthAsync(Backend, default);
        var report = await probe.PreflightAsync(Backend, default);

        Assert.True(health.Up);
        Assert.Equal("tank", Assert.Single(health.Pools).Pool);
        Assert.True(report.Passed);
        Assert.Equal(Enum.GetValues<PreflightStep>().Length, report.Checks.Count);
        Assert.Equal([("health", "b1"), ("preflight", "b1")], probe.Calls);
    }

    [Fact]
    public async Task A_set_failure_fails_that_check_and_skips_the_later_ones()
    {
        var probe = new FakeBackendProbe();
        probe.SetPreflightFailure("b1", PreflightStep.Sudo, "sudo refused", "add the rule");
        probe.SetDown("b1", "sshd stopped");

        var report = await probe.PreflightAsync(Backend, default);

        Assert.False(report.Passed);
        Assert.Equal("add the rule", report[PreflightStep.Sudo].Fix);
        Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Authenticated].Outcome);
        Assert.Equal(CheckOutcome.Skipped, report[PreflightStep.Dialect].Outcome);
        Assert.Null(report.Dialect);
        Assert.Equal("sshd stopped", (await probe.CheckHealthAsync(Backend, default)).Problem);
    }
}
