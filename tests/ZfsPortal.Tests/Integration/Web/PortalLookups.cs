using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Tests.Integration.Web;

/// <summary>What tests of a whole portal (<see cref="PortalFactory"/>) look up in its database.</summary>
internal static class PortalLookups
{
    public static async Task<CurrentUser> TenantAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == PortalFactory.TenantEmail);
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
