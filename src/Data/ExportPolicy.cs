namespace ZfsPortal.Data;

/// <summary>
/// Which NFS clients a tenant may allow on a share, set by admins on a share type and, to narrow it, on a project
/// (ADR 13). Judged by <c>Features/Access/ExportPolicyCheck</c> whenever a rule is made; rules made before a change keep
/// working. An admin's own rules may go beyond it after a warning.
/// </summary>
public sealed record ExportPolicy
{
    public const int DefaultWidestIPv4Prefix = 16, DefaultWidestIPv6Prefix = 48;

    /// <summary>Networks in canonical form that every rule must fall inside; empty means any client, as wide as the prefixes allow.</summary>
    public List<string> AllowedNetworks { get; init; } = [];

    /// <summary>The widest IPv4 network a rule may name: /16 admits 10.1.0.0/16 and anything narrower, not 10.0.0.0/8.</summary>
    public int WidestIPv4Prefix { get; init; } = DefaultWidestIPv4Prefix;

    public int WidestIPv6Prefix { get; init; } = DefaultWidestIPv6Prefix;

    /// <summary>Whether a tenant may let the clients' root act as root on the share.</summary>
    public bool NoRootSquashAllowed { get; init; }

    /// <summary>A rule outside the networks waits for an admin's approval instead of being refused.</summary>
    public bool WiderNeedsApproval { get; init; }

    public static ExportPolicy Default => new();

    // Two policies are equal when they admit the same rules: the networks compare by content, not by list.
    public bool Equals(ExportPolicy? other) =>
        other is not null && AllowedNetworks.SequenceEqual(other.AllowedNetworks, StringComparer.Ordinal)
        && (WidestIPv4Prefix, WidestIPv6Prefix, NoRootSquashAllowed, WiderNeedsApproval)
        == (other.WidestIPv4Prefix, other.WidestIPv6Prefix, other.NoRootSquashAllowed, other.WiderNeedsApproval);

    public override int GetHashCode() =>
        HashCode.Combine(string.Join(",", AllowedNetworks), WidestIPv4Prefix, WidestIPv6Prefix, NoRootSquashAllowed, WiderNeedsApproval);
}
