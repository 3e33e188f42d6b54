using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Features.Account.ApiTokens;

public sealed record ApiTokenRow(Guid Id, string Name, string Hint, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt,
    DateTime? RevokedAt, Guid? ProjectId);

/// <summary>The answer to "create": the secret is in here once and nowhere else, ever.</summary>
public sealed record NewApiToken(CommandResult Result, string? Secret);

/// <summary>A user's own API tokens: create (the secret shown once), list, revoke. Nobody sees another's tokens.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const string NameField = "Name", ExpiryField = "ExpiresAt";

    public async Task<NewApiToken> CreateAsync(CurrentUser user, string? name, DateTime? expiresAt, Guid? projectId = null,
        CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (UserInput.ValidateName(name, "token", out var nameError) is not { } validName)
            return new(CommandResult.Refused(NameField, nameError!), null);
        if (expiresAt is { } expiry && expiry.ToUniversalTime() <= now)
            return new(CommandResult.Refused(ExpiryField, "The expiry date has passed; choose a later one or none."), null);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ApiTokens.AnyAsync(t => t.UserId == user.UserId && t.Name == validName && t.RevokedAt == null && !t.IssuedByIdentity, ct))
            return new(CommandResult.Refused(NameField, $"You already have a token named '{validName}'; choose another name."), null);
        var secret = ApiTokenSecrets.NewSecret();
        var token = new ApiToken
        {
            UserId = user.UserId, Name = validName, SecretHash = ApiTokenSecrets.Hash(secret), Hint = ApiTokenSecrets.Hint(secret),
            ProjectId = projectId, CreatedAt = now, ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        db.ApiTokens.Add(token);
        AuditLog.Add(db, now, user, "api_token.create", $"API token {validName}",
            detail: expiresAt is null ? "no expiry" : $"expires {token.ExpiresAt:yyyy-MM-dd HH:mm} UTC");
        await db.SaveChangesAsync(ct);
        return new(CommandResult.Done(token.Id), secret);
    }

    public async Task<IReadOnlyList<ApiTokenRow>> ListAsync(CurrentUser user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == user.UserId && !t.IssuedByIdentity)
            .OrderBy(t => t.RevokedAt != null).ThenByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenRow(t.Id, t.Name, t.Hint, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.ProjectId))
            .ToListAsync(ct);
    }

    public async Task<CommandResult> RevokeAsync(CurrentUser user, Guid tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == user.UserId && !t.IssuedByIdentity, ct);
        if (token is null)
            return CommandResult.Refused("That token does not exist.");
        if (token.RevokedAt is not null)
            return CommandResult.Done(token.Id);
        var now = time.GetUtcNow().UtcDateTime;
        token.RevokedAt = now;
        AuditLog.Add(db, now, user, "api_token.revoke", $"API token {token.Name}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(token.Id);
    }
}
