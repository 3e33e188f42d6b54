using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ZfsPortal.Api.Manila;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Api.Identity;

/// <summary>What a Keystone token says about itself: who, which project, when, with which roles.</summary>
public sealed record IssuedToken(Guid TokenId, string UserId, string UserName, bool IsAdmin, ProjectSummary Project,
    DateTime IssuedAt, DateTime? ExpiresAt, string Method);

/// <summary>
/// Keystone v3's token body (keystone/models/token_model.py as the API renders it), with a catalog whose
/// share endpoints are this portal's <c>/v2/{project_id}</c>: <c>sharev2</c> for the manila client,
/// <c>shared-file-system</c> for openstackclient, and <c>share</c> for clients that still look for the v1 name.
/// </summary>
public static class KeystoneTokenView
{
    public const string Region = "RegionOne";
    private static readonly object Domain = new { id = "default", name = "Default" };
    private static readonly string[] Interfaces = ["public", "internal", "admin"];

    public static object Body(IssuedToken token, HttpRequest request)
    {
        var baseUrl = Microversions.BaseUrl(request);
        var shares = $"{baseUrl}/v2/{token.Project.Id}";
        return new
        {
            token = new Dictionary<string, object?>
            {
                ["methods"] = new[] { token.Method },
                ["user"] = new { id = token.UserId, name = token.UserName, domain = Domain, password_expires_at = (string?)null },
                ["audit_ids"] = new[] { AuditId(token.TokenId) },
                ["issued_at"] = Time(token.IssuedAt),
                // A personal API token may never expire; Keystone always names a time, so it is far away then.
                ["expires_at"] = Time(token.ExpiresAt ?? DateTime.MaxValue.AddYears(-1000)),
                ["project"] = new { id = token.Project.Id.ToString(), name = token.Project.Name, domain = Domain },
                ["is_domain"] = false,
                ["roles"] = RoleNames(token.IsAdmin).Select(r => new { id = Id(r), name = r }).ToArray(),
                ["catalog"] = new[]
                {
                    Service("sharev2", "manilav2", shares),
                    Service("shared-file-system", "manila", shares),
                    Service("share", "manila-v1", shares),
                    Service("identity", "keystone", $"{baseUrl}/identity/v3"),
                },
            },
        };
    }

    /// <summary>Keystone's usual names: everyone is a member (and reader) of the project; admins are admin too.</summary>
    public static string[] RoleNames(bool isAdmin) => isAdmin ? ["admin", "member", "reader"] : ["member", "reader"];

    private static object Service(string type, string name, string url) => new
    {
        id = Id(type),
        type,
        name,
        endpoints = Interfaces.Select(i => new
        {
            id = Id(type + ":" + i), @interface = i, region = Region, region_id = Region, url,
        }).ToArray(),
    };

    /// <summary>Stable ids for fixed things (roles, services, endpoints), shaped as Keystone's 32 hex digits.</summary>
    private static string Id(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];

    /// <summary>An id for audit trails that is not the secret: derived from the token row's id only.</summary>
    private static string AuditId(Guid tokenId) => Convert.ToBase64String(tokenId.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
