using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Quotas;

namespace ZfsPortal.Features.Projects;

public sealed record QuotaInput(string? Shares, string? Gigabytes, string? Snapshots, string? SnapshotGigabytes, string? PerShareGigabytes);

public sealed record MemberView(string UserId, string Email, string DisplayName);

public sealed record ProjectAdminRow(Guid Id, string Name, string Description, int Members, QuotaLimits Quotas, QuotaUsage Usage);

/// <summary>What admins do with projects: create them, manage members, set quotas and the defaults for new projects.</summary>
public sealed class ProjectAdminService(
    IDbContextFactory<PortalDbContext> dbFactory, UserManagerFactory users, TimeProvider time)
{
    public const string NameField = "Name", DescriptionField = "Description", EmailField = "Email";
    public const string SharesField = "Shares", GigabytesField = "Gigabytes", SnapshotsField = "Snapshots",
        SnapshotGigabytesField = "SnapshotGigabytes", PerShareGigabytesField = "PerShareGigabytes";

    /// <summary>The quota fields in the order of <see cref="QuotaInput"/>'s values.</summary>
    public static readonly string[] QuotaFields = [SharesField, GigabytesField, SnapshotsField, SnapshotGigabytesField, PerShareGigabytesField];
    private const string NotAdmin = "Only admins may manage projects.";

    public async Task<IReadOnlyList<ProjectAdminRow>> ListAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Description, p.Quotas, Members = db.ProjectMembers.Count(m => m.ProjectId == p.Id) })
            .ToListAsync(ct);
        var rows = new List<ProjectAdminRow>();
        foreach (var p in projects)
            rows.Add(new ProjectAdminRow(p.Id, p.Name, p.Description, p.Members, p.Quotas, await QuotaUsage.ForProjectAsync(db, p.Id, ct)));
        return rows;
    }

    public async Task<IReadOnlyList<MemberView>> MembersAsync(CurrentUser admin, Guid projectId, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await db.Users
            .Where(u => db.ProjectMembers.Any(m => m.ProjectId == projectId && m.UserId == u.Id))
            .Select(u => new { u.Id, u.Email, u.DisplayName })
            .ToListAsync(ct);
        return members.Select(u => new MemberView(u.Id, u.Email ?? "", u.DisplayName)).OrderBy(m => m.Email, StringComparer.Ordinal).ToList();
    }

    public async Task<CommandResult> CreateAsync(CurrentUser admin, string? name, string? description, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        if (UserInput.ValidateName(name, "project", out var error) is not { } valid)
            return CommandResult.Refused(NameField, error!);
        if (UserInput.ValidateDescription(description, out var descriptionError) is not { } about)
            return CommandResult.Refused(DescriptionField, descriptionError!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Projects.AnyAsync(p => p.Name == valid, ct))
            return CommandResult.Refused(NameField, $"A project named '{valid}' exists already.");
        var defaults = (await db.Settings.AsNoTracking().SingleOrDefaultAsync(ct))?.DefaultQuotas ?? QuotaLimits.Defaults;
        var project = new Project { Name = valid, Description = about, Quotas = defaults, CreatedAt = Now };
        db.Projects.Add(project);
        Audit(db, admin, "project.create", $"project {valid}", project.Id);
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(project.Id);
    }

    /// <summary>Adds a user by email; a new email gets an account whose first password is returned once, in the notice.</summary>
    public async Task<CommandResult> AddMemberAsync(CurrentUser admin, Guid projectId, string? email, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        var address = (email ?? "").Trim();
        if (address.Length == 0 || !address.Contains('@', StringComparison.Ordinal) || address.Length > UserInput.MaxLineLength || address.Any(char.IsWhiteSpace))
            return CommandResult.Refused(EmailField, "Enter the member's email address, like alice@example.com.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null)
            return CommandResult.Refused(RefusalKind.NotFound, "That project does not exist.");

        string? notice = null;
        using var scope = users.Create();
        var user = await scope.Users.FindByEmailAsync(address);
        if (user is null)
        {
            var password = InitialPassword.Generate();
            user = new PortalUser { UserName = address, Email = address, EmailConfirmed = true, DisplayName = address };
            var created = await scope.Users.CreateAsync(user, password);
            if (!created.Succeeded)
                return CommandResult.Refused(EmailField, string.Join(" ", created.Errors.Select(e => e.Description)));
            await scope.Users.AddToRoleAsync(user, Roles.Tenant);
            notice = $"A new account was made for {address}. Its first password is {password} — pass it on; it is not shown again.";
        }
        if (await db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.UserId == user.Id, ct))
            return CommandResult.Refused(EmailField, $"{address} is already a member of {project.Name}.");
        db.ProjectMembers.Add(new ProjectMember { ProjectId = projectId, UserId = user.Id });
        Audit(db, admin, "project.member.add", $"project {project.Name}", projectId, address);
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(projectId, notice);
    }

    public async Task<CommandResult> RemoveMemberAsync(CurrentUser admin, Guid projectId, string userId, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await db.ProjectMembers.SingleOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, ct);
        if (member is null)
            return CommandResult.Refused("That user is not a member of the project.");
        var who = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(ct);
        var project = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).SingleAsync(ct);
        db.ProjectMembers.Remove(member);
        Audit(db, admin, "project.member.remove", $"project {project}", projectId, who);
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(projectId);
    }

    /// <summary>Sets a project's quotas. Below current use is allowed: new requests are then refused, and the notice says so.</summary>
    public async Task<CommandResult> SetQuotasAsync(CurrentUser admin, Guid projectId, QuotaInput input, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        if (ParseQuotas(input, out var errors) is not { } limits)
            return CommandResult.Refused(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null)
            return CommandResult.Refused(RefusalKind.NotFound, "That project does not exist.");
        var usage = await QuotaUsage.ForProjectAsync(db, projectId, ct);
        project.Quotas = limits;
        project.QuotaStamp = Guid.NewGuid();
        Audit(db, admin, "project.quotas.set", $"project {project.Name}", projectId, Describe(limits));
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(projectId, BelowUse(limits, usage));
    }

    /// <summary>
    /// Sets the policy that narrows every share type's for this project's new rules, or clears it (null): then the
    /// types' policies alone apply. Existing rules are kept either way.
    /// </summary>
    public async Task<CommandResult> SetExportPolicyAsync(CurrentUser admin, Guid projectId, ExportPolicyInput? input, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        var errors = new Dictionary<string, string>();
        var policy = input?.Parse(out errors);
        if (errors.Count > 0)
            return CommandResult.Refused(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null)
            return CommandResult.Refused(RefusalKind.NotFound, "That project does not exist.");
        project.ExportPolicy = policy;
        Audit(db, admin, "project.export_policy.set", $"project {project.Name}", projectId,
            policy is null ? "Follows its share types' policies" : ExportPolicyInput.Describe(policy));
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(projectId);
    }

    public async Task<QuotaLimits> DefaultQuotasAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Settings.AsNoTracking().SingleOrDefaultAsync(ct))?.DefaultQuotas ?? QuotaLimits.Defaults;
    }

    public async Task<CommandResult> SetDefaultQuotasAsync(CurrentUser admin, QuotaInput input, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        if (ParseQuotas(input, out var errors) is not { } limits)
            return CommandResult.Refused(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settings = await db.Settings.SingleOrDefaultAsync(ct);
        if (settings is null)
            db.Settings.Add(settings = new PortalSettings());
        settings.DefaultQuotas = limits;
        Audit(db, admin, "settings.default_quotas.set", "default quotas for new projects", null, Describe(limits));
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(Guid.Empty);
    }

    /// <summary>Each quota is a whole number, 0 or more, or -1 for unlimited.</summary>
    public static QuotaLimits? ParseQuotas(QuotaInput input, out Dictionary<string, string> errors)
    {
        errors = [];
        var values = new[] { input.Shares, input.Gigabytes, input.Snapshots, input.SnapshotGigabytes, input.PerShareGigabytes };
        var parsed = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var text = (values[i] ?? "").Trim();
            if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out parsed[i])
                || parsed[i] < -1)
                errors[QuotaFields[i]] = text.Length == 0
                    ? "Enter a number, or -1 for unlimited."
                    : $"'{UserInput.Shorten(text)}' is not allowed: use a whole number of 0 or more, or -1 for unlimited.";
        }
        return errors.Count > 0 ? null : new QuotaLimits
        {
            Shares = parsed[0], Gigabytes = parsed[1], Snapshots = parsed[2], SnapshotGigabytes = parsed[3], PerShareGigabytes = parsed[4],
        };
    }

    private static string? BelowUse(QuotaLimits limits, QuotaUsage usage)
    {
        var below = new List<string>();
        if (!QuotaCheck.IsUnlimited(limits.Shares) && usage.Shares > limits.Shares) below.Add($"shares ({usage.Shares} in use)");
        if (!QuotaCheck.IsUnlimited(limits.Gigabytes) && usage.Gigabytes > limits.Gigabytes) below.Add($"gigabytes ({usage.Gigabytes} GiB in use)");
        if (!QuotaCheck.IsUnlimited(limits.Snapshots) && usage.Snapshots > limits.Snapshots) below.Add($"snapshots ({usage.Snapshots} in use)");
        if (!QuotaCheck.IsUnlimited(limits.SnapshotGigabytes) && usage.SnapshotGigabytes > limits.SnapshotGigabytes)
            below.Add($"snapshot_gigabytes ({usage.SnapshotGigabytes} GiB in use)");
        return below.Count == 0 ? null
            : $"Saved. The new quota is below current use for {string.Join(", ", below)}: nothing is taken away, but new requests of that kind are refused until use drops below it.";
    }

    private static string Describe(QuotaLimits q) =>
        $"shares={q.Shares}, gigabytes={q.Gigabytes}, snapshots={q.Snapshots}, snapshot_gigabytes={q.SnapshotGigabytes}, per_share_gigabytes={q.PerShareGigabytes}";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private void Audit(PortalDbContext db, CurrentUser admin, string action, string target, Guid? projectId, string? detail = null) =>
        AuditLog.Add(db, Now, admin, action, target, projectId, detail);
}

/// <summary>UserManager is scoped; singletons make one in a scope of their own when they need it.</summary>
public sealed class UserManagerFactory(IServiceScopeFactory scopes)
{
    public Scope Create() => new(scopes.CreateScope());

    public sealed class Scope(IServiceScope scope) : IDisposable
    {
        public UserManager<PortalUser> Users { get; } = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        public void Dispose() => scope.Dispose();
    }
}
