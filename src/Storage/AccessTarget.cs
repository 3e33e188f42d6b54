namespace ZfsPortal.Storage;

/// <summary>
/// An NFS client: one IPv4/IPv6 address or a network in CIDR form, parsed strictly and printed back
/// canonically, so that no user text ever reaches a host. To be implemented: see <see cref="TryParse"/>.
/// </summary>
public sealed record AccessTarget
{
    private AccessTarget(string canonical) => Canonical = canonical;

    /// <summary>The canonical form: <c>203.0.113.5</c>, <c>198.51.100.0/24</c>, <c>2001:db8::/32</c>.</summary>
    public string Canonical { get; }

    public override string ToString() => Canonical;

    /// <summary>
    /// Parses user input. Null and a sentence that says what is wrong when it is not exactly an address or a
    /// network: refuses hostnames, IPv4 with fewer than four parts or leading zeros (which .NET would read as
    /// octal), prefixes out of range, host bits set in a network (suggesting the network), spaces, quotes and
    /// any other character.
    /// </summary>
    public static AccessTarget? TryParse(string? input, out string? error) => throw new NotImplementedException();
}
