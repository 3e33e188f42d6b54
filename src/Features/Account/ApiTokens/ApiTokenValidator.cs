using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Account.ApiTokens;

/// <summary>The owner a presented secret stands for, with their roles as they are now.</summary>
public sealed record TokenOwner(Guid TokenId, string UserId, string UserName, IReadOnlyList<string> Roles, Guid? ProjectId)
{
    public DateTime CreatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public bool IssuedByIdentity { get; init; }
}

/// <summary>Looks a secret up by its hash; refuses revoked, expired and locked-out ones alike.</summary>
public sealed class ApiTokenValidator(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Last use is written at most this often, so a busy client does not write on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<TokenOwner?> ValidateAsync(string secret, CancellationToken ct = default)
    {
        if (!secret.StartsWith(ApiTokenSecrets.Prefix, StringComparison.Ordinal) || secret.Length > 100)
            return null;
        var hash = ApiTokenSecrets.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.SecretHash == hash, ct);
        if (token is null || !token.IsUsableAt(now))
            return null;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (user is null || (user.LockoutEnd is { } end && end > time.GetUtcNow()))
            return null;
        var roles = await db.UserRoles.Where(r => r.UserId == user.Id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return new TokenOwner(token.Id, user.Id, user.UserName ?? user.Email ?? user.Id, roles, token.ProjectId)
        {
            CreatedAt = token.CreatedAt, ExpiresAt = token.ExpiresAt, IssuedByIdentity = token.IssuedByIdentity,
        };
    }
}
