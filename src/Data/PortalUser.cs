using Microsoft.AspNetCore.Identity;

namespace ZfsPortal.Data;

public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Tenant = "Tenant";
}
