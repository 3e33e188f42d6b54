namespace ZfsPortal.Storage;

// The commands of the exports file and of the reconciler's bulk read (issue 11).
public sealed partial class ZfsCommands
{
    /// <summary>True when the backend keeps its exports in a file the host's NFS service reads at boot (through the guard).</summary>
    public bool KeepsExportsFile => HasGuard && !string.IsNullOrEmpty(backend.ExportsFile);

    /// <summary>
    /// <c>GUARD FILE set PATH CLIENT(OPTIONS)…</c>: the guard replaces the lines of PATH in the exports file with exactly these
    /// (none: removes them) and prints the lines of PATH as it reads them back from the new file.
    /// </summary>
    public IReadOnlyList<string> PersistExports(string mountpoint, IReadOnlyList<NfsClientRule> rules)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        ArgumentNullException.ThrowIfNull(rules);
        RequireExportsFile();
        return Sudo(backend.ExportsFile,
            ["set", mountpoint, .. rules.OrderBy(r => r.Target.Canonical, StringComparer.Ordinal).Select(ExportsFileLines.Entry)]);
    }

    /// <summary><c>GUARD FILE show</c>: every line of the backend's exports file (none before the first export).</summary>
    public IReadOnlyList<string> ShowExportsFile()
    {
        RequireExportsFile();
        return Sudo(backend.ExportsFile, "show");
    }

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value PROPS -r POOL</c>: every dataset and snapshot of a pool in one command, which both
    /// zfs-fuse 0.7 and OpenZFS understand (the reconciler's one read of a pool).
    /// </summary>
    public IReadOnlyList<string> GetPoolTree(string pool, IReadOnlyList<string> properties)
    {
        ZfsNames.ValidatePool(pool);
        ArgumentNullException.ThrowIfNull(properties);
        foreach (var property in properties)
        {
            ZfsNames.ValidatePropertyName(property, nameof(properties));
        }

        return Zfs("get", "-H", "-p", "-o", "name,property,value", string.Join(',', properties), "-r", pool);
    }

    private void RequireExportsFile()
    {
        if (!KeepsExportsFile)
        {
            throw new InvalidOperationException($"Backend '{backend.Name}' keeps no exports file (ExportsFile and GuardPath must both be set).");
        }
    }
}
