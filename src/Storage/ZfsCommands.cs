namespace ZfsPortal.Storage;

/// <summary>
/// Builds the argv of every zfs command the portal runs on a backend: always
/// <c>sudo -n &lt;absolute path&gt; …</c>, so sudo never prompts and PATH on the host never matters.
/// Names and values are validated here; <see cref="ShellQuote"/> quotes them later.
/// </summary>
public sealed class ZfsCommands(BackendOptions backend)
{
    /// <summary>
    /// <c>zfs get -H -p -o name,property,value PROPS DATASET</c>: tab-separated, bytes as numbers;
    /// understood alike by zfs-fuse 0.7 and OpenZFS 2.x (unlike <c>zfs list -p</c> or <c>-t</c>).
    /// </summary>
    public IReadOnlyList<string> GetProperties(string dataset, IReadOnlyList<string> properties)
    {
        ZfsNames.ValidateDataset(dataset);
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.Count == 0)
        {
            throw new ArgumentException("Name at least one property to read.", nameof(properties));
        }

        foreach (var property in properties)
        {
            ZfsNames.ValidatePropertyName(property, nameof(properties));
        }

        return Zfs("get", "-H", "-p", "-o", "name,property,value", string.Join(',', properties), dataset);
    }

    /// <summary><c>zfs create -o k=v … DATASET</c>, options in ordinal key order so the argv is reproducible.</summary>
    public IReadOnlyList<string> CreateDataset(string dataset, IReadOnlyDictionary<string, string> properties)
    {
        ZfsNames.ValidateDataset(dataset);
        ArgumentNullException.ThrowIfNull(properties);
        var argv = new List<string> { "create" };
        foreach (var (name, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ZfsNames.ValidatePropertyName(name, nameof(properties));
            ZfsNames.ValidatePropertyValue(name, value, nameof(properties));
            argv.Add("-o");
            argv.Add($"{name}={value}");
        }

        argv.Add(dataset);
        return Zfs([.. argv]);
    }

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value available,used POOL</c>: usable space after parity and
    /// reservations, which is what shares can take (zpool list would show raw size).
    /// </summary>
    public IReadOnlyList<string> GetPoolCapacity(string pool)
    {
        ZfsNames.ValidatePool(pool);
        return Zfs("get", "-H", "-p", "-o", "name,property,value", "available,used", pool);
    }

    private string[] Zfs(params string[] args) => [backend.SudoPath, "-n", backend.ZfsPath, .. args];
}
