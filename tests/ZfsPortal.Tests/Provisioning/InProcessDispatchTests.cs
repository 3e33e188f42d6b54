using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>A requested share is created by the portal's own process, not by a Hangfire worker.</summary>
[Collection("storage-host")]
public sealed class InProcessDispatchTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-dispatch-");
    private string? _dataset;

    [Fact]
    public async Task A_share_becomes_available_while_hangfire_neither_polls_nor_has_the_job_due()
    {
        // Hangfire looks for work every 15 s and its backstop job is due in an hour: only the dispatcher can run it.
        using var portal = PortalLookups.Start(host, _data, settings: new Dictionary<string, string?>
        {
            ["Portal:QueuePollMilliseconds"] = "15000",
            ["Portal:HangfireBackstopSeconds"] = "3600",
        });
        var services = portal.Services;
        var project = await PortalLookups.DemoProjectAsync(services);
        var type = (await services.GetRequiredService<ShareTypeQueries>().ListForProjectAsync(project)).Single(t => t.IsDefault);

        var result = await services.GetRequiredService<CreateShareService>()
            .CreateAsync(await PortalLookups.TenantAsync(services), new CreateShareRequest(project, type.Id, "at-once", null, "1"));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        var share = await PortalLookups.WaitForShareAsync(services, result.Id!.Value, s => s.Status != ShareStatus.Creating, TimeSpan.FromSeconds(10));
        _dataset = share.Dataset;

        Assert.Equal(ShareStatus.Available, share.Status);
        Assert.NotNull(await host.ZfsGetAsync(share.Dataset!, "refquota"));
        // The durable backstop is there all the same (written a moment after the request), waiting to find the operation done.
        var monitoring = services.GetRequiredService<JobStorage>().GetMonitoringApi();
        for (var tries = 0; monitoring.ScheduledCount() == 0 && tries < 100; tries++)
            await Task.Delay(50);
        Assert.Equal(1, monitoring.ScheduledCount());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataset is not null)
            await host.DestroyDatasetAsync(_dataset);
        _data.Delete(recursive: true);
    }
}
