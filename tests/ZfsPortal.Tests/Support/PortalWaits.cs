using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>Waiting for what a client's command set off (an operation on the real host) to land in the portal's records.</summary>
internal sealed class PortalWaits(TestPortal portal, TimeSpan wait)
{
    public async Task<Share> ShareAsync(Guid id, Func<Share, bool> done)
    {
        var share = await PortalLookups.WaitForShareAsync(portal.Services, id, done, wait);
        Assert.True(done(share), $"Share {share.Name} is {share.Status} ({share.StatusMessage})");
        return share;
    }

    public Task ShareGoneAsync(Guid id) => PollAsync(async db => !await db.Shares.AnyAsync(s => s.Id == id), $"share {id} to go");

    public Task SnapshotAsync(Guid id, SnapshotStatus? status) => PollAsync(async db =>
    {
        var snapshot = await db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id);
        return status is null ? snapshot is null : snapshot?.Status == status;
    }, $"snapshot {id} to be {status?.ToString() ?? "gone"}");

    /// <summary>A size as <c>zfs get -p</c> prints it.</summary>
    public static string Gib(int gib) => (gib * 1024L * 1024 * 1024).ToString(CultureInfo.InvariantCulture);

    private async Task PollAsync(Func<PortalDbContext, Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            await using (var db = await portal.Db.CreateDbContextAsync())
                if (await done(db))
                    return;
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
