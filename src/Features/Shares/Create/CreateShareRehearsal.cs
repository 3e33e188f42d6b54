using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>
/// One create decision made at start, as a tenant's would be, in a transaction that is rolled back: EF Core compiles
/// the decision's queries and its save pipeline, and the JIT its code, before a tenant's first click instead of inside
/// it, while that click holds the write lock every other decision waits for (issue 14: the first decision after a
/// start held it 0.2–1.4 s; docs/adr/0034). Nothing it writes stays: no user, project, type, share, operation or audit.
/// </summary>
public sealed class CreateShareRehearsal(OperationIntake intake, ILogger<CreateShareRehearsal> log)
{
    public async Task<CommandResult?> RunAsync(CancellationToken ct)
    {
        try
        {
            var result = await intake.RehearseAsync(DecideAsync, ct);
            if (!result.Succeeded)
                log.LogWarning("The start's rehearsal of a create decision was refused ({Error}); the first create pays EF Core's first-use costs.", result.Error);
            return result;
        }
        catch (Exception ex) when (ex is DbUpdateException or SqliteException or NpgsqlException or InvalidOperationException)
        {
            // A start must not fail for a warm-up; the first tenant's create is then as slow as before.
            log.LogWarning(ex, "The start's rehearsal of a create decision failed; the first create pays EF Core's first-use costs.");
            return null;
        }
    }

    // A tenant (not an admin: their queries differ) who is a member of a project with the default quotas, and a public
    // type; all of it inside the rehearsal's transaction, so nothing is seen by anyone and the rollback removes it.
    private static async Task<CommandResult> DecideAsync(PortalDbContext db, QueuedWork work)
    {
        var id = Guid.NewGuid().ToString("N");
        var user = new PortalUser { UserName = $"rehearsal-{id}", NormalizedUserName = $"REHEARSAL-{id}", DisplayName = "rehearsal" };
        var project = new Project { Name = $"rehearsal-{id}" };
        project.Members.Add(new ProjectMember { UserId = user.Id });
        var type = new ShareType { Name = $"rehearsal-{id}" };
        db.AddRange(user, project, type);
        await db.SaveChangesAsync();
        var request = new CreateShareRequest(project.Id, type.Id, "rehearsal", "", "1");
        return await CreateShareService.DecideAsync(db, work, new CurrentUser(user.Id, user.UserName, IsAdmin: false), request,
            "rehearsal", "", 1, CancellationToken.None);
    }
}
