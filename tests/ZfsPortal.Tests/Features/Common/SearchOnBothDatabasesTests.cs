using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Shares;
using ZfsPortal.Tests.Support;

namespace ZfsPortal.Tests.Features.Common;

/// <summary>The search boxes find the same rows on SQLite and PostgreSQL, whatever the case the user types.</summary>
public sealed class SearchOnBothDatabasesTests
{
    private static readonly CurrentUser Admin = new("admin-id", "admin@example.org", IsAdmin: true);

    [Theory]
    [InlineData(false, "alpha")]
    [InlineData(false, "ALPHA")]
    [InlineData(true, "alpha")]
    [InlineData(true, "ALPHA")]
    [InlineData(true, "AlPhA")]
    public async Task Share_search_ignores_case_on_both_databases(bool postgres, string typed)
    {
        using var database = new TestDatabase(postgres: postgres);
        await using (var db = database.CreateDbContext())
        {
            var type = new ShareType { Name = "default", MinSizeGiB = 1, MaxSizeGiB = 10 };
            var project = new Project { Name = "demo" };
            db.AddRange(type, project,
                Share(project, type, "Alpha-Data", null),
                Share(project, type, "beta", "127.0.0.1:/pool/ALPHA_export"),
                Share(project, type, "gamma", "127.0.0.1:/pool/gamma"));
            await db.SaveChangesAsync();
        }

        var page = await new ShareQueries(database).PageAsync(Admin, new ShareFilter(null, typed));

        Assert.Equal(["Alpha-Data", "beta"], page.Rows.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, page.Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Audit_search_ignores_case_in_every_column_on_both_databases(bool postgres)
    {
        using var database = new TestDatabase(postgres: postgres);
        await using (var db = database.CreateDbContext())
        {
            db.Audit.AddRange(
                Entry("Carol@Example.org", "share.create", "share zfsvol in demo", null),
                Entry("dave@example.org", "share.delete", "share Scratch in CAROLS", null),
                Entry("erin@example.org", "project.quotas.set", "project demo", "asked by carol"),
                Entry("frank@example.org", "share.create", "share other in demo", null));
            await db.SaveChangesAsync();
        }

        var page = await new AuditQueries(database).PageAsync(Admin, "CAROL", adminsOnly: false, page: 0, pageSize: 10);

        Assert.Equal(["Carol@Example.org", "dave@example.org", "erin@example.org"], page.Rows.Select(r => r.UserName).Order(StringComparer.Ordinal));
    }

    private static Share Share(Project project, ShareType type, string name, string? export) => new()
    {
        Project = project, ShareType = type, Name = name, SizeGiB = 1, Status = ShareStatus.Available, ExportLocation = export,
    };

    private static AuditEntry Entry(string user, string action, string target, string? detail) => new()
    {
        At = DateTime.UtcNow, UserId = user, UserName = user, Action = action, Target = target, Detail = detail,
    };
}
