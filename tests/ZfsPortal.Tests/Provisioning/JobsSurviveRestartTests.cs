using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>Hangfire's storage (SQLite, or PostgreSQL in scripts/test.sh's second run) keeps a queued job across a portal restart.</summary>
[Collection("storage-host")]
public sealed class JobsSurviveRestartTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-restart-");
    private string? _dataset;

    [Fact]
    public async Task A_share_requested_before_a_restart_becomes_available_after_it()
    {
        var shareId = await RequestWithoutRunningAsync();

        using var second = PortalLookups.Start(host, _data);
        await AssertBecomesAvailableAsync(second, shareId);
    }

    /// <summary>
    /// The clean-clone CI run's flake, made certain: another portal in the test process (a parallel test's) configured Hangfire
    /// while the second portal started, and the second one's Hangfire worker ran the job with the other portal's services.
    /// </summary>
    [Fact]
    public async Task A_share_requested_before_a_restart_becomes_available_when_another_portal_configures_hangfire_meanwhile()
    {
        var shareId = await RequestWithoutRunningAsync();

        TestPortal? other = null;
        try
        {
            // Made first among the second portal's hosted services: after its dashboard (and Hangfire) is configured, before
            // its Hangfire server is made.
            using var second = PortalLookups.Start(host, _data, services: s => s.Insert(0, ServiceDescriptor.Singleton<IHostedService>(_ =>
            {
                other = new TestPortal(host.Backend, PortalLookups.Password, new Dictionary<string, string?> { ["Portal:RunJobs"] = "false" });
                _ = other.Services;
                return new NothingToRun();
            })));
            await AssertBecomesAvailableAsync(second, shareId);
        }
        finally
        {
            if (other is not null)
                await other.DisposeAsync();
        }
    }

    /// <summary>A portal that accepts requests but runs no jobs requests a share, then goes away with the job still queued.</summary>
    private async Task<Guid> RequestWithoutRunningAsync()
    {
        using var first = PortalLookups.Start(host, _data, runJobs: false);
        var services = first.Services;
        var tenant = await PortalLookups.TenantAsync(services);
        var project = await PortalLookups.DemoProjectAsync(services);
        var type = (await services.GetRequiredService<ZfsPortal.Features.ShareTypes.ShareTypeQueries>().ListForProjectAsync(project)).Single(t => t.IsDefault);
        var result = await services.GetRequiredService<CreateShareService>()
            .CreateAsync(tenant, new CreateShareRequest(project, type.Id, "survivor", null, "1"));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        await Task.Delay(500);
        Assert.Equal(ShareStatus.Creating, (await PortalLookups.ShareAsync(services, result.Id!.Value)).Status);
        return result.Id.Value;
    }

    private async Task AssertBecomesAvailableAsync(TestPortal portal, Guid shareId)
    {
        var share = await PortalLookups.WaitForShareAsync(portal.Services, shareId, s => s.Status != ShareStatus.Creating, TimeSpan.FromSeconds(30));

        Assert.Equal(ShareStatus.Available, share.Status);
        _dataset = share.Dataset;
        Assert.NotNull(await host.ZfsGetAsync(share.Dataset!, "refquota"));
    }

    private sealed class NothingToRun : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataset is not null)
            await host.DestroyDatasetAsync(_dataset);
        _data.Delete(recursive: true);
    }
}
