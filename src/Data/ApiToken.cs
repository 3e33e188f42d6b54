namespace ZfsPortal.Data;

/// <summary>
/// A personal API token (sent as <c>X-Auth-Token</c>). Only the SHA-256 of the secret is stored; the secret is shown
/// once, when the token is made. It acts as its owner, with the owner's projects and roles as they are at each request.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole secret; the lookup key.</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>The secret's first characters, so the owner can tell tokens apart in the list.</summary>
    public string Hint { get; set; } = "";

    /// <summary>A project the token acts in when a request names none (Keystone's project scope); null: the owner's first.</summary>
    public Guid? ProjectId { get; set; }

    /// <summary>
    /// Issued by the Keystone subset (<c>POST /identity/v3/auth/tokens</c>) after a password or token check: short-lived,
    /// scoped to one project, and not shown in the owner's token list (a client makes one per command).
    /// </summary>
    public bool IssuedByIdentity { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    public bool IsUsableAt(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
