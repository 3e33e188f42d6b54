using System.Security.Cryptography;
using System.Text;

namespace ZfsPortal.Features.Account.ApiTokens;

/// <summary>How a token's secret is made and stored: 32 random bytes, kept only as their SHA-256.</summary>
public static class ApiTokenSecrets
{
    public const string Prefix = "zfsp_";

    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>What the list shows to tell tokens apart; far too short to guess the rest from.</summary>
    public static string Hint(string secret) => secret[..Math.Min(secret.Length, Prefix.Length + 4)] + "…";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
