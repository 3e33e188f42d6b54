using Microsoft.EntityFrameworkCore;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Data;

/// <summary>Rules stored before the level moved to Storage say Rw and Ro; they must keep reading the same.</summary>
public sealed class AccessLevelColumnTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task Levels_are_stored_as_Rw_and_Ro_and_read_back_as_they_were_allowed()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.154", "rw");
        await _world.Access.AllowAsync(member, share.Id, "198.51.100.0/24", "ro");

        await using var db = _world.Db.CreateDbContext();
        var stored = await db.Database
            .SqlQuery<string>($"SELECT Target || '=' || Level AS Value FROM AccessRules ORDER BY Target")
            .ToListAsync();
        Assert.Equal(["198.51.100.0/24=Ro", "203.0.113.154=Rw"], stored);
        Assert.Equal([("198.51.100.0/24", NfsAccessLevel.ReadOnly), ("203.0.113.154", NfsAccessLevel.ReadWrite)],
            _world.RulesOf(share.Id).OrderBy(r => r.Target, StringComparer.Ordinal).Select(r => (r.Target, r.Level)));
    }

    public void Dispose() => _world.Dispose();
}
