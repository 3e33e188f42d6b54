using System.Security.Claims;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Account;

/// <summary>Who is asking: every feature service takes one and decides what they may see and do.</summary>
public sealed record CurrentUser(string UserId, string Name, bool IsAdmin)
{
    public static CurrentUser From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."),
        principal.Identity?.Name ?? "",
        principal.IsInRole(Roles.Admin));
}
