using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Api.Identity;

/// <summary>
/// Keystone tokens are API tokens (<see cref="ApiToken.IssuedByIdentity"/>): the same hashed secret and the same
/// <c>X-Auth-Token</c> handler, so a Keystone token can do exactly what its owner's personal token can, in one project.
/// </summary>
public sealed class KeystoneTokenIssuer(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Keystone's default token lifetime; clients authenticate again when it runs out.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// The project asked for (by id or name), else <paramref name="current"/> (a rescoped token keeps its project), else
    /// the user's first project by name. Only projects the user may see, as in the browser; null when there is none.
    /// </summary>
    public async Task<ProjectSummary?> ScopeAsync(CurrentUser user, ProjectScope? scope, Guid? current, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visible = db.Projects.AsNoTracking().Visible(db, user);
        if (scope is not null)
        {
            var byId = Guid.TryParse(scope.Id, out var id);
            return scope.Id is not null && !byId ? null
                : await visible.Where(p => byId ? p.Id == id : p.Name == scope.Name).Select(p => new ProjectSummary(p.Id, p.Name)).FirstOrDefaultAsync(ct);
        }
        if (current is { } project && await visible.Where(p => p.Id == project).Select(p => new ProjectSummary(p.Id, p.Name)).FirstOrDefaultAsync(ct) is { } kept)
            return kept;
        return await visible.Where(p => db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == user.UserId))
                   .OrderBy(p => p.Name).Select(p => new ProjectSummary(p.Id, p.Name)).FirstOrDefaultAsync(ct)
               ?? await visible.OrderBy(p => p.Name).Select(p => new ProjectSummary(p.Id, p.Name)).FirstOrDefaultAsync(ct);
    }

    /// <summary>A new token for one project, never outliving <paramref name="notAfter"/> (the token it was made from).</summary>
    public async Task<(string Secret, IssuedToken Token)> IssueAsync(CurrentUser user, ProjectSummary project, DateTime? notAfter,
        string method, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expires = notAfter is { } limit && limit < now + Lifetime ? limit : now + Lifetime;
        var secret = ApiTokenSecrets.NewSecret();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Each client command makes one; the owner's expired ones go as the next is made, so they do not pile up.
        await db.ApiTokens.Where(t => t.UserId == user.UserId && t.IssuedByIdentity && t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var token = new ApiToken
        {
            UserId = user.UserId, Name = "keystone " + method, SecretHash = ApiTokenSecrets.Hash(secret), Hint = ApiTokenSecrets.Hint(secret),
            ProjectId = project.Id, CreatedAt = now, ExpiresAt = expires, IssuedByIdentity = true,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return (secret, new IssuedToken(token.Id, user.UserId, user.Name, user.IsAdmin, project, now, expires, method));
    }

    /// <summary>How a valid token describes itself (<c>GET /identity/v3/auth/tokens</c>); null when its project is gone from view.</summary>
    public async Task<IssuedToken?> DescribeAsync(TokenOwner owner, CancellationToken ct)
    {
        var user = new CurrentUser(owner.UserId, owner.UserName, owner.Roles.Contains(Roles.Admin));
        return await ScopeAsync(user, null, owner.ProjectId, ct) is { } project
            ? new IssuedToken(owner.TokenId, owner.UserId, owner.UserName, user.IsAdmin, project, owner.CreatedAt, owner.ExpiresAt,
                owner.IssuedByIdentity ? "password" : "token")
            : null;
    }

    /// <summary>Keystone's revoke; personal tokens are revoked by their owner in the portal, where it is audited.</summary>
    public async Task<bool> RevokeAsync(Guid tokenId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return await db.ApiTokens.Where(t => t.Id == tokenId && t.IssuedByIdentity && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct) > 0;
    }
}
