using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>A whole portal (<see cref="TestPortal"/>) on the real local host, and what its tests look up in its database.</summary>
internal static class PortalLookups
{
    public const string Password = "Test-passw0rd!";

    /// <summary>
    /// A portal on the test's data folder (kept across a restart), with its jobs running unless told otherwise, in the
    /// Development environment unless <paramref name="settings"/> name another; <paramref name="services"/> replace its own.
    /// </summary>
    public static TestPortal Start(StorageHostFixture host, DirectoryInfo data, bool runJobs = true,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["environment"] = "Development" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        all["Portal:RunJobs"] = TestPortal.Flag(runJobs);
        return new TestPortal(host.Backend, Password, all, data.FullName, services: services);
    }

    public static async Task<CurrentUser> TenantAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == TestPortal.TenantEmail);
        return new CurrentUser(user.Id, user.UserName!, IsAdmin: false);
    }

    public static async Task<Guid> DemoProjectAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.Projects.SingleAsync(p => p.Name == "demo")).Id;
    }

    public static async Task<Share> ShareAsync(IServiceProvider services, Guid id)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Shares.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>The share as soon as <paramref name="done"/> holds, or as it is when the time is up.</summary>
    public static async Task<Share> WaitForShareAsync(IServiceProvider services, Guid id, Func<Share, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var share = await ShareAsync(services, id);
            if (done(share) || DateTime.UtcNow > deadline)
                return share;
            await Task.Delay(50);
        }
    }
}
