using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ZfsPortal.Storage;

/// <summary>
/// An NFS client: one IPv4/IPv6 address or a network in CIDR form, parsed strictly and printed back
/// canonically, so that no user text ever reaches a host. Two targets are equal when their canonical
/// forms are (<c>198.51.100.7/32</c> equals <c>198.51.100.7</c>).
/// </summary>
public sealed partial record AccessTarget
{
    private const string Example = "use an IP address such as 203.0.113.154 or a network such as 198.51.100.0/24";
    /// <summary>The longest input looked at; the form takes no more.</summary>
    public const int MaxInputLength = 64;

    private AccessTarget(IPAddress address, int prefixLength)
    {
        Address = address;
        PrefixLength = prefixLength;
        IsNetwork = prefixLength < MaxPrefix(address);
        Canonical = IsNetwork ? $"{address}/{prefixLength.ToString(CultureInfo.InvariantCulture)}" : address.ToString();
    }

    /// <summary>
    /// The canonical form: <c>203.0.113.5</c>, <c>198.51.100.0/24</c>, <c>2001:db8::/32</c>, <c>0.0.0.0/0</c>.
    /// A single host is always the bare address: <c>/32</c> and <c>/128</c> are dropped.
    /// </summary>
    public string Canonical { get; }

    /// <summary>The address, or the network's first address.</summary>
    public IPAddress Address { get; }

    /// <summary>32 (IPv4) or 128 (IPv6) for a single address.</summary>
    public int PrefixLength { get; }

    /// <summary>False for a single address.</summary>
    public bool IsNetwork { get; }

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>True when every client <paramref name="other"/> names is inside this network (same family, same or longer prefix).</summary>
    public bool Contains(AccessTarget other) =>
        other.Address.AddressFamily == Address.AddressFamily && other.PrefixLength >= PrefixLength
        && Mask(other.Address, PrefixLength).Equals(Address);

    public bool Equals(AccessTarget? other) => other is not null && string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    public override string ToString() => Canonical;

    /// <summary>Parses a canonical form the portal stored earlier (or any accepted input).</summary>
    /// <exception cref="FormatException">The text is not an accepted address or network; the message says why.</exception>
    public static AccessTarget Parse(string? input) =>
        TryParse(input, out var error) ?? throw new FormatException(error);

    /// <summary>
    /// Parses user input. Null and a sentence that says what is wrong when it is not exactly an address or a
    /// network: refuses hostnames, IPv4 with fewer than four parts or leading zeros (which .NET would read as
    /// octal), prefixes out of range, host bits set in a network (suggesting the network), spaces, quotes and
    /// any other character, IPv6 zone ids, and IPv4-mapped or IPv4-compatible IPv6 addresses (suggesting the
    /// IPv4 form). Only surrounding whitespace is trimmed.
    /// </summary>
    public static AccessTarget? TryParse(string? input, out string? error)
    {
        error = Check(input, out var target);
        return error is null ? target : null;
    }

    private static string? Check(string? input, out AccessTarget? target)
    {
        target = null;
        var text = input?.Trim() ?? "";
        if (text.Length == 0)
        {
            return $"Enter an address or a network: {Example}.";
        }

        var shown = text.Length > MaxInputLength ? string.Concat(text.AsSpan(0, MaxInputLength), "…") : text;
        if (text.Length > MaxInputLength)
        {
            return $"'{shown}' is too long for an address or a network: {Example}.";
        }

        if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"'{Printable(shown)}' contains spaces or line breaks: enter exactly one address or network ({Example}).";
        }

        if (HostName().IsMatch(text) && text.Any(char.IsAsciiLetter))
        {
            return $"'{text}' looks like a host name: {Example}, not a host name.";
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var prefixText = slash < 0 ? null : text[(slash + 1)..];

        if (addressText.Contains('%', StringComparison.Ordinal) && addressText.Contains(':', StringComparison.Ordinal))
        {
            return $"'{text}' has an IPv6 zone id (the part from '%'), which means nothing to an NFS server: leave it out.";
        }

        var bad = addressText.FirstOrDefault(c => !(char.IsAsciiHexDigit(c) || c is '.' or ':'));
        if (bad != default)
        {
            return bad switch
            {
                '*' or '?' => $"'{text}' contains a wildcard: {Example}; to allow every IPv4 client use 0.0.0.0/0.",
                '@' => $"'{text}' contains '@' (a netgroup or network marker): {Example}.",
                _ => $"'{text}' contains '{bad}', which cannot be part of an address or a network: {Example}.",
            };
        }

        if (prefixText is not null && prefixText.Contains('/', StringComparison.Ordinal))
        {
            return $"'{text}' has more than one '/': {Example}.";
        }

        string? problem;
        IPAddress? address;
        if (addressText.Contains(':', StringComparison.Ordinal))
        {
            problem = ParseIPv6(text, addressText, out address);
        }
        else
        {
            problem = ParseIPv4(text, addressText, out address);
        }

        if (problem is not null)
        {
            return problem;
        }

        var max = MaxPrefix(address!);
        var prefix = max;
        if (prefixText is not null)
        {
            if (prefixText.Length == 0 || prefixText.Length > 3 || !prefixText.All(char.IsAsciiDigit)
                || (prefixText.Length > 1 && prefixText[0] == '0')
                || (prefix = int.Parse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture)) > max)
            {
                return $"'{text}' has a prefix length '{prefixText}' after '/': it must be a whole number from 0 to {max}.";
            }
        }

        var network = Mask(address!, prefix);
        if (!network.Equals(address))
        {
            return $"'{text}' has host bits set after the first {prefix} bits: did you mean {network}/{prefix.ToString(CultureInfo.InvariantCulture)}?";
        }

        if (prefix == max && (address!.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            return $"'{text}' is not a client address; to allow every client use 0.0.0.0/0 (IPv4) or ::/0 (IPv6).";
        }

        target = new AccessTarget(address!, prefix);
        return null;
    }

    private static string? ParseIPv4(string text, string addressText, out IPAddress? address)
    {
        address = null;
        var parts = addressText.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length == 0))
        {
            return $"'{text}' is not a complete IPv4 address: write all four numbers, like 203.0.113.154.";
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (!part.All(char.IsAsciiDigit) || part.Length > 3)
            {
                return $"'{text}' is not an IPv4 address: each of the four parts must be a number from 0 to 255.";
            }

            if (part.Length > 1 && part[0] == '0')
            {
                return $"'{text}' has a number with a leading zero ('{part}'), which some systems read as octal: write it without leading zeros.";
            }

            var value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return $"'{text}' is not an IPv4 address: {part} is more than 255.";
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return null;
    }

    private static string? ParseIPv6(string text, string addressText, out IPAddress? address)
    {
        address = null;
        if (!IPAddress.TryParse(addressText, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6 || parsed.ScopeId != 0)
        {
            return $"'{text}' is not an IPv6 address or network, such as 2001:db8::1 or 2001:db8::/32.";
        }

        if (parsed.IsIPv4MappedToIPv6)
        {
            return $"'{text}' is an IPv4 address written as IPv6: write it as {parsed.MapToIPv4()}.";
        }

        var b = parsed.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && (b[12] | b[13]) != 0)
        {
            return $"'{text}' is a deprecated IPv4-compatible IPv6 address: write it as {new IPAddress(b.AsSpan(12, 4))}.";
        }

        address = parsed;
        return null;
    }

    private static int MaxPrefix(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    private static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);

    // Letters, digits and '-' in dot-separated labels, with at least one letter somewhere: a DNS name.
    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?\z")]
    private static partial Regex HostName();
}
