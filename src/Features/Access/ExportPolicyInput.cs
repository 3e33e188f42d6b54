using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Access;

/// <summary>
/// An export policy as an admin types it (share type dialog, project page, an API later): networks as text, one or
/// more per line, and prefixes as text, so that one parser judges them all and says what is wrong at each field.
/// </summary>
public sealed record ExportPolicyInput(string? AllowedNetworks, string? WidestIPv4Prefix, string? WidestIPv6Prefix,
    bool NoRootSquashAllowed, bool WiderNeedsApproval)
{
    public const string NetworksField = "ExportPolicy.AllowedNetworks", IPv4Field = "ExportPolicy.WidestIPv4Prefix",
        IPv6Field = "ExportPolicy.WidestIPv6Prefix";

    // Bounds the stored column (4096 characters) with room to spare: 50 IPv6 networks in JSON fit.
    private const int MaxNetworks = 50;

    public static ExportPolicyInput From(ExportPolicy policy) => new(string.Join("\n", policy.AllowedNetworks),
        Text(policy.WidestIPv4Prefix), Text(policy.WidestIPv6Prefix), policy.NoRootSquashAllowed, policy.WiderNeedsApproval);

    /// <summary>The policy, or null with a sentence per wrong field in <paramref name="errors"/>.</summary>
    public ExportPolicy? Parse(out Dictionary<string, string> errors)
    {
        errors = [];
        var networks = new List<string>();
        foreach (var word in (AllowedNetworks ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (AccessTarget.TryParse(word, out var error) is not { } network)
            {
                errors[NetworksField] = error!;
                break;
            }
            if (!networks.Contains(network.Canonical, StringComparer.Ordinal))
                networks.Add(network.Canonical);
        }
        if (networks.Count > MaxNetworks && !errors.ContainsKey(NetworksField))
            errors[NetworksField] = $"List at most {MaxNetworks} networks; a wider network can stand for several.";
        var v4 = Prefix(WidestIPv4Prefix, 32, IPv4Field, errors);
        var v6 = Prefix(WidestIPv6Prefix, 128, IPv6Field, errors);
        return errors.Count > 0 ? null : new ExportPolicy
        {
            AllowedNetworks = networks, WidestIPv4Prefix = v4, WidestIPv6Prefix = v6,
            NoRootSquashAllowed = NoRootSquashAllowed, WiderNeedsApproval = WiderNeedsApproval,
        };
    }

    /// <summary>
    /// What the policy lets a tenant do, in one line, for admin tables and the access panel: a whole sentence per
    /// combination, never a clause in a hole, so that each reads right in every language.
    /// </summary>
    public static string Describe(ExportPolicy policy)
    {
        var who = policy.AllowedNetworks.Count == 0 ? "Any client" : $"Clients in {string.Join(", ", policy.AllowedNetworks)}";
        var (v4, v6) = (Text(policy.WidestIPv4Prefix), Text(policy.WidestIPv6Prefix));
        return (policy.NoRootSquashAllowed, policy.WiderNeedsApproval) switch
        {
            (false, false) => $"{who}, networks up to /{v4} (IPv4) and /{v6} (IPv6), root_squash only; wider rules are refused",
            (false, true) => $"{who}, networks up to /{v4} (IPv4) and /{v6} (IPv6), root_squash only; wider rules wait for an admin",
            (true, false) => $"{who}, networks up to /{v4} (IPv4) and /{v6} (IPv6), no_root_squash allowed; wider rules are refused",
            (true, true) => $"{who}, networks up to /{v4} (IPv4) and /{v6} (IPv6), no_root_squash allowed; wider rules wait for an admin",
        };
    }

    /// <summary>True when the policy lets a tenant export to every client: a warning for the admin who sets it.</summary>
    public static bool AdmitsTheWorld(ExportPolicy policy) =>
        (policy.WidestIPv4Prefix == 0 && Admits(policy, "0.0.0.0/0")) || (policy.WidestIPv6Prefix == 0 && Admits(policy, "::/0"));

    private static bool Admits(ExportPolicy policy, string world) =>
        policy.AllowedNetworks.Count == 0 || policy.AllowedNetworks.Contains(world, StringComparer.Ordinal);

    private static int Prefix(string? text, int max, string field, Dictionary<string, string> errors)
    {
        var trimmed = (text ?? "").Trim().TrimStart('/');
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix <= max)
            return prefix;
        errors[field] = trimmed.Length == 0
            ? $"Enter the widest network tenants may allow, as a prefix length from 0 to {max} (like /{(max == 32 ? 16 : 48)})."
            : $"'{UserInput.Shorten(trimmed)}' is not a prefix length: use a whole number from 0 to {max}.";
        return 0;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
