using System.Security.Cryptography;

namespace ZfsPortal.Data;

/// <summary>A first password for an account the portal makes (demo logins, members added by email).</summary>
public static class InitialPassword
{
    // The fixed prefix guarantees every character class Identity asks for, whatever the random part holds.
    public static string Generate() =>
        "Zp7-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('/', '_').Replace('+', '-');
}
