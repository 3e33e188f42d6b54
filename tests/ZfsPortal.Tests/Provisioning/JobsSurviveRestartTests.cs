using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>Hangfire's SQLite storage keeps a queued job across a portal restart.</summary>
[Collection("storage-host")]
public sealed class JobsSurviveRestartTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-restart-");
    private string? _dataset;

    [Fact]
    public async Task A_share_requested_before_a_restart_becomes_available_after_it()
    {
        Guid shareId;
        // A portal that accepts requests but runs no jobs, then goes away with the job still queued.
        using (var first = PortalLookups.Start(host, _data, runJobs: false))
        {
            var services = first.Services;
            var tenant = await PortalLookups.TenantAsync(services);
            var project = await PortalLookups.DemoProjectAsync(services);
            var type = (await services.GetRequiredService<ZfsPortal.Features.ShareTypes.ShareTypeQueries>().ListForProjectAsync(project)).Single(t => t.IsDefault);
            var result = await services.GetRequiredService<CreateShareService>()
                .CreateAsync(tenant, new CreateShareRequest(project, type.Id, "survivor", null, "1"));
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
            shareId = result.Id!.Value;
            await Task.Delay(500);
            Assert.Equal(ShareStatus.Creating, (await PortalLookups.ShareAsync(services, shareId)).Status);
        }

        using var second = PortalLookups.Start(host, _data);
        var share = await PortalLookups.WaitForShareAsync(second.Services, shareId, s => s.Status != ShareStatus.Creating, TimeSpan.FromSeconds(30));

        Assert.Equal(ShareStatus.Available, share.Status);
        _dataset = share.Dataset;
        Assert.NotNull(await host.ZfsGetAsync(share.Dataset!, "refquota"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataset is not null)
            await host.DestroyDatasetAsync(_dataset);
        _data.Delete(recursive: true);
    }
}
