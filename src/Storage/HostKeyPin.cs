namespace ZfsPortal.Storage;

/// <summary>
/// Compares a configured SHA-256 host key fingerprint with the one a host presents. Admins paste
/// fingerprints from <c>ssh-keygen -lf</c> (<c>SHA256:…</c>) or from SSH.NET (bare, unpadded), so
/// both forms, and base64 padding, are accepted.
/// </summary>
public static class HostKeyPin
{
    private const string Prefix = "SHA256:";

    /// <summary>The fingerprint as SSH.NET reports it: no <c>SHA256:</c> prefix, no '=' padding.</summary>
    public static string Normalize(string? fingerprint)
    {
        var value = (fingerprint ?? "").Trim();
        if (value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            value = value[Prefix.Length..];
        }

        return value.TrimEnd('=');
    }

    /// <summary>True only when a pin is configured and equals the presented fingerprint (base64 is case-sensitive).</summary>
    public static bool Matches(string? pinned, string presented)
    {
        var pin = Normalize(pinned);
        return pin.Length > 0 && string.Equals(pin, Normalize(presented), StringComparison.Ordinal);
    }

    /// <summary>True when <paramref name="fingerprint"/> looks like a SHA-256 fingerprint (32 bytes of base64).</summary>
    public static bool IsWellFormed(string fingerprint)
    {
        var value = Normalize(fingerprint);
        Span<byte> bytes = stackalloc byte[33];
        var padded = value + new string('=', (4 - (value.Length % 4)) % 4);
        return value.Length == 43 && Convert.TryFromBase64String(padded, bytes, out var written) && written == 32;
    }
}
