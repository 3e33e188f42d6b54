namespace ZfsPortal.Storage;

/// <summary>
/// What every dataset the portal makes or takes over carries, whatever a share type or creation option says: a tenant with root
/// on an NFS client can write a setuid-root program or a device node into a share, and on the storage host (or wherever the
/// dataset is mounted without nosuid/nodev) running or opening it would hand out root. The host's guard refuses a create or
/// clone without them and any <c>zfs set</c> that turns them on.
/// </summary>
public static class HardenedProperties
{
    public static readonly IReadOnlyDictionary<string, string> Values =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["devices"] = "off", ["setuid"] = "off" };

    /// <summary>The given properties with these on top; a request for any other value of them is a programming error.</summary>
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> properties, string paramName)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var all = new Dictionary<string, string>(properties, StringComparer.Ordinal);
        foreach (var (name, value) in Values)
        {
            Check(name, all.GetValueOrDefault(name) ?? value, paramName);
            all[name] = value;
        }

        return all;
    }

    /// <summary>Throws when <paramref name="name"/> is one of them and <paramref name="value"/> would turn it on.</summary>
    public static void Check(string name, string value, string paramName)
    {
        if (Values.TryGetValue(name, out var only) && !string.Equals(value, only, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The portal keeps {name}={only} on every dataset it owns; {name}={value} is never sent.", paramName);
        }
    }
}
