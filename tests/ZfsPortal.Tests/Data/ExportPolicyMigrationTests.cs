using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Tests.Data;

/// <summary>
/// Share types and projects stored before export policies existed come out of the upgrade with the default policy
/// (types) and none of their own (projects), so a tenant can no longer export them to the world.
/// </summary>
public sealed class ExportPolicyMigrationTests : IDisposable
{
    private const string Before = "BackendSettingsOwned";
    private readonly TestDatabase _db = new(migrateTo: Before);

    [Fact]
    public async Task Existing_types_get_the_default_policy_and_existing_projects_none()
    {
        await using (var db = _db.CreateDbContext())
        {
            // As the model before the upgrade wrote them (the JSON one as a parameter: braces would read as placeholders).
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "ShareTypes" ("Id", "Name", "Description", "IsPublic", "ProjectIds", "IsRetired", "IsDefault", "SnapshotSupport",
                    "CreateShareFromSnapshotSupport", "CloneFromSnapshot", "BackendName", "MinSizeGiB", "MaxSizeGiB", "Approval",
                    "ApprovalAboveGiB", "DatasetProperties")
                VALUES ('0D9F0C62-3B1A-4C55-9E3B-6F1A2B3C4D5E', 'default', '', 1, '[]', 0, 1, 1, 1, 0, NULL, 1, 1000, 'Never', 0, {0});
                INSERT INTO "Projects" ("Id", "Name", "Description", "Quotas_Shares", "Quotas_Gigabytes", "Quotas_Snapshots",
                    "Quotas_SnapshotGigabytes", "Quotas_PerShareGigabytes", "QuotaStamp", "CreatedAt")
                VALUES ('7A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D', 'alpha', '', 50, 1000, 50, 1000, -1,
                    'F0E1D2C3-B4A5-4968-8776-655443322110', '2026-11-01 08:00:00');
                """, ["{}"]);
            await db.Database.MigrateAsync();
        }

        await using var after = _db.CreateDbContext();
        Assert.Equal(ExportPolicy.Default, (await after.ShareTypes.SingleAsync(t => t.Name == "default")).ExportPolicy);
        Assert.Null((await after.Projects.SingleAsync(p => p.Name == "alpha")).ExportPolicy);
    }

    public void Dispose() => _db.Dispose();
}
