using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Data;

public sealed record SeededLogin(string Role, string Email, string Password);

/// <summary>
/// What a new portal needs (roles, the default share type) and, with <c>Seed:Demo</c>, an admin and a demo
/// tenant in a demo project. Passwords are never committed: unless configured, they are generated once and
/// kept in the data folder (mode 0600) so that each start can print them again.
/// </summary>
public sealed class DemoSeed(
    IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users, RoleManager<IdentityRole> roles,
    IOptions<SeedOptions> options, IOptions<PortalOptions> portal, IWebHostEnvironment env)
{
    public const string DefaultShareType = "default";

    /// <summary>The logins whose passwords this node knows (configured, kept in its data folder, or just made).</summary>
    public async Task<IReadOnlyList<SeededLogin>> SeedAsync(CancellationToken ct)
    {
        await using var oneNodeAtATime = await SeedLock.HoldAsync(dbFactory, ct);
        foreach (var role in new[] { Roles.Admin, Roles.Tenant })
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.ShareTypes.AnyAsync(ct))
        {
            db.ShareTypes.Add(new ShareType
            {
                Name = DefaultShareType, Description = "General-purpose NFS share", IsDefault = true,
                MinSizeGiB = 1, MaxSizeGiB = 1000,
            });
            await db.SaveChangesAsync(ct);
        }
        if (!options.Value.Demo)
            return [];

        var seed = options.Value;
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Name == seed.DemoProject, ct);
        if (project is null)
        {
            project = new Project { Name = seed.DemoProject, Description = "Demo project" };
            db.Projects.Add(project);
            await db.SaveChangesAsync(ct);
        }
        var stored = LoadStoredPasswords();
        var admin = await EnsureUserAsync(seed.AdminEmail, "Admin", Roles.Admin, seed.AdminPassword, stored);
        var tenant = await EnsureUserAsync(seed.TenantEmail, "Demo tenant", Roles.Tenant, seed.TenantPassword, stored);
        if (!await db.ProjectMembers.AnyAsync(m => m.ProjectId == project.Id && m.UserId == tenant.User.Id, ct))
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = tenant.User.Id });
            await db.SaveChangesAsync(ct);
        }
        SaveStoredPasswords(stored);
        return [.. new[] { (Roles.Admin, seed.AdminEmail, admin.Password), (Roles.Tenant, seed.TenantEmail, tenant.Password) }
            .Where(l => l.Password is not null).Select(l => new SeededLogin(l.Item1, l.Item2, l.Password!))];
    }

    private async Task<(PortalUser User, string? Password)> EnsureUserAsync(
        string email, string displayName, string role, string? configured, Dictionary<string, string> stored)
    {
        var user = await users.FindByEmailAsync(email);
        // A user that another node (or a lost data folder) made keeps its password, which this node does not know: a new
        // one would be printed and kept here, and be wrong.
        var password = configured ?? stored.GetValueOrDefault(email);
        if (user is null)
        {
            password ??= InitialPassword.Generate();
            user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName };
            Check(await users.CreateAsync(user, password));
            Check(await users.AddToRoleAsync(user, role));
        }
        else if (configured is not null && !await users.CheckPasswordAsync(user, configured))
        {
            // A configured password wins, so tests and operators can rely on it.
            Check(await users.RemovePasswordAsync(user));
            Check(await users.AddPasswordAsync(user, configured));
        }
        if (configured is null && password is not null)
            stored[email] = password;
        return (user, password);
    }

    private string PasswordFile => Path.Combine(portal.Value.ResolveDataDirectory(env.ContentRootPath), "initial-logins.txt");

    private Dictionary<string, string> LoadStoredPasswords() =>
        File.Exists(PasswordFile)
            ? File.ReadAllLines(PasswordFile).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1])
            : [];

    private void SaveStoredPasswords(Dictionary<string, string> stored)
    {
        if (stored.Count == 0)
            return;
        File.WriteAllLines(PasswordFile, stored.Select(kv => $"{kv.Key} {kv.Value}"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }


    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Seeding failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
