using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Features.Account;

/// <summary>
/// Failed sign-ins in the audit log, so admins see guessing (who was tried, from where, why it failed). Never the
/// password. Attempts the rate limit refuses are logged, not audited: a flood would otherwise fill the table.
/// </summary>
public sealed class SignInAudit(IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users, TimeProvider clock)
{
    public const string FailedAction = "account.signin.failed";
    private const int MaxNameLength = 256;

    public async Task FailedAsync(HttpContext http, string? email, SignInResult result)
    {
        var name = Printable((email ?? "").Trim());
        var user = name.Length == 0 ? null : await users.FindByNameAsync(name);
        var why = name.Length == 0 ? "no email or password given"
            : result.IsLockedOut ? "the account is locked after repeated failures"
            : result.IsNotAllowed ? "the account may not sign in"
            : user is null ? "no such account"
            : "wrong password";
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        AuditLog.Add(db, clock.GetUtcNow().UtcDateTime, new CurrentUser(user?.Id ?? "", name, IsAdmin: false), FailedAction,
            $"sign-in from {SignInLimits.ClientAddress(http)}", detail: why);
        await db.SaveChangesAsync(http.RequestAborted);
    }

    /// <summary>What was typed is stored as text to read: bounded, without control characters.</summary>
    private static string Printable(string text)
    {
        var cut = text.Length > MaxNameLength ? text[..MaxNameLength] : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }
}
