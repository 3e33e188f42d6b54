using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares;
using Microsoft.EntityFrameworkCore;

namespace ZfsPortal.Tests.Integration.Web;

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
        using (var first = new PortalFactory(_data.FullName, host.Backend, runJobs: false))
        {
            var services = first.Services;
            var tenant = await TenantAsync(services);
            var project = await DemoProjectAsync(services);
            var type = (await services.GetRequiredService<Features.ShareTypes.ShareTypeQueries>().ListForProjectAsync(project)).Single(t => t.IsDefault);
            var result = await services.GetRequiredService<CreateShareService>()
                .CreateAsync(tenant, new CreateShareRequest(project, type.Id, "survivor", null, "1"));
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
            shareId = result.Id!.Value;
            await Task.Delay(500);
            Assert.Equal(ShareStatus.Creating, (await ShareAsync(services, shareId)).Status);
        }

        using var second = new PortalFactory(_data.FullName, host.Backend);
        var share = await WaitForAsync(second.Services, shareId, s => s.Status != ShareStatus.Creating, TimeSpan.FromSeconds(30));

        Assert.Equal(ShareStatus.Available, share.Status);
        _dataset = share.Dataset;
        Assert.NotNull(await host.ZfsGetAsync(share.Dataset!, "refquota"));
    }

    private static async Task<CurrentUser> TenantAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == PortalFactory.TenantEmail);
        return new CurrentUser(user.Id, user.UserName!, IsAdmin: false);
    }

    private static async Task<Guid> DemoProjectAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.Projects.SingleAsync(p => p.Name == "demo")).Id;
    }

    private static async Task<Share> ShareAsync(IServiceProvider services, Guid id)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Shares.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private static async Task<Share> WaitForAsync(IServiceProvider services, Guid id, Func<Share, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var share = await ShareAsync(services, id);
            if (done(share) || DateTime.UtcNow > deadline)
                return share;
            await Task.Delay(100);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataset is not null)
            await host.DestroyDatasetAsync(_dataset);
        _data.Delete(recursive: true);
    }
}
