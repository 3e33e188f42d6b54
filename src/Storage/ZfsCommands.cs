namespace ZfsPortal.Storage;

/// <summary>
/// Builds the argv of every zfs and exportfs command the portal runs on a backend: always
/// <c>sudo -n [GUARD] &lt;absolute path&gt; …</c>, so sudo never prompts and PATH on the host never matters; with a
/// <see cref="BackendOptions.GuardPath"/> the host's guard runs the tool, and admits exactly the shapes built here.
/// Names and values are validated here; <see cref="ShellQuote"/> quotes them later.
/// </summary>
public sealed partial class ZfsCommands(BackendOptions backend)
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

    /// <summary>
    /// <c>zfs create -o k=v … DATASET</c>, options in ordinal key order so the argv is reproducible, always with
    /// <see cref="HardenedProperties"/> among them.
    /// </summary>
    public IReadOnlyList<string> CreateDataset(string dataset, IReadOnlyDictionary<string, string> properties)
    {
        ZfsNames.ValidateDataset(dataset);
        return Zfs(["create", .. Options(HardenedProperties.Apply(properties, nameof(properties))), dataset]);
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

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value available,used POOL…</c>: the capacity of several pools in one command
    /// (the health check). A missing pool is a "dataset does not exist" line on stderr and exit 1; the others are still printed.
    /// </summary>
    public IReadOnlyList<string> GetPoolsCapacity(IReadOnlyList<string> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        if (pools.Count == 0)
        {
            throw new ArgumentException("Name at least one pool.", nameof(pools));
        }

        foreach (var pool in pools)
        {
            ZfsNames.ValidatePool(pool, nameof(pools));
        }

        return Zfs(["get", "-H", "-p", "-o", "name,property,value", "available,used", .. pools]);
    }

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value used,refquota DATASET…</c>: the space of several datasets in one command (the
    /// usage reading after a health check). A dataset gone meanwhile is a "does not exist" line on stderr; the others are still printed.
    /// </summary>
    public IReadOnlyList<string> GetDatasetsUsage(IReadOnlyList<string> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0)
        {
            throw new ArgumentException("Name at least one dataset.", nameof(datasets));
        }

        foreach (var dataset in datasets)
        {
            ZfsNames.ValidateDataset(dataset);
        }

        return Zfs(["get", "-H", "-p", "-o", "name,property,value", "used,refquota", .. datasets]);
    }

    /// <summary><c>zpool list -H -o name</c>: the names of the imported pools (zfs-fuse 0.7 and OpenZFS alike).</summary>
    public IReadOnlyList<string> ListPools() => Sudo(backend.ZpoolPath, "list", "-H", "-o", "name");

    /// <summary><c>zfs set k=v DATASET</c>: one property per call, as zfs-fuse takes no more.</summary>
    public IReadOnlyList<string> SetProperty(string dataset, string property, string value)
    {
        ZfsNames.ValidateDataset(dataset);
        ZfsNames.ValidatePropertyName(property);
        ZfsNames.ValidatePropertyValue(property, value);
        HardenedProperties.Check(property, value, nameof(value));
        return Zfs("set", $"{property}={value}", dataset);
    }

    /// <summary>
    /// <c>zfs set sharenfs=VALUE DATASET</c>: the one property value allowed to hold spaces (zfs-fuse separates
    /// its client entries with them), checked against its own narrower character set.
    /// </summary>
    public IReadOnlyList<string> SetSharenfs(string dataset, string value)
    {
        ZfsNames.ValidateDataset(dataset);
        ZfsNames.ValidateSharenfsValue(value);
        return Zfs("set", $"sharenfs={value}", dataset);
    }

    /// <summary><c>zfs unmount DATASET</c> (both zfs-fuse and OpenZFS know <c>unmount</c>; <c>umount</c> is an alias).</summary>
    public IReadOnlyList<string> Unmount(string dataset)
    {
        ZfsNames.ValidateDataset(dataset);
        return Zfs("unmount", dataset);
    }

    /// <summary><c>zfs mount DATASET</c>: puts back a dataset a refused destroy left unmounted.</summary>
    public IReadOnlyList<string> Mount(string dataset)
    {
        ZfsNames.ValidateDataset(dataset);
        return Zfs("mount", dataset);
    }

    /// <summary><c>zfs mount POOL</c>: the pool's root, before a share below it is mounted again after the host's ZFS service restarted.</summary>
    public IReadOnlyList<string> MountPool(string pool)
    {
        ZfsNames.ValidatePool(pool);
        return Zfs("mount", pool);
    }

    /// <summary><c>zfs destroy DATASET</c> of a filesystem: never <c>-r</c>/<c>-R</c>, so snapshots and clones stop it.</summary>
    public IReadOnlyList<string> DestroyDataset(string dataset)
    {
        ZfsNames.ValidateDataset(dataset);
        return Zfs("destroy", dataset);
    }

    /// <summary><c>zfs snapshot DATASET@NAME</c>.</summary>
    public IReadOnlyList<string> CreateSnapshot(string snapshot)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        return Zfs("snapshot", snapshot);
    }

    /// <summary><c>zfs destroy DATASET@NAME</c>: one snapshot, never <c>-r</c>/<c>-R</c>, so a clone stops it.</summary>
    public IReadOnlyList<string> DestroySnapshot(string snapshot)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        return Zfs("destroy", snapshot);
    }

    /// <summary>
    /// <c>zfs rollback DATASET@NAME</c> to the dataset's latest snapshot: never <c>-r</c>/<c>-R</c>, so a newer snapshot (and any
    /// clone of one) stops it instead of being destroyed.
    /// </summary>
    public IReadOnlyList<string> Rollback(string snapshot)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        return Zfs("rollback", snapshot);
    }

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value written@NAME DATASET</c>: the bytes written to the dataset since its snapshot
    /// NAME (OpenZFS; zfs-fuse 0.7 has no <c>written</c>).
    /// </summary>
    public IReadOnlyList<string> GetWrittenSince(string snapshot)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        var at = snapshot.IndexOf('@', StringComparison.Ordinal);
        return Zfs("get", "-H", "-p", "-o", "name,property,value", $"written{snapshot[at..]}", snapshot[..at]);
    }

    /// <summary>
    /// <c>zfs get -H -p -o name,property,value PROPS -r DATASET</c>: the dataset, its children and its snapshots
    /// (both zfs-fuse 0.7 and OpenZFS list snapshots with <c>get -r</c>; zfs-fuse has no <c>-t</c> to filter),
    /// so the caller keeps the <c>DATASET@…</c> rows.
    /// </summary>
    public IReadOnlyList<string> GetPropertiesRecursive(string dataset, IReadOnlyList<string> properties)
    {
        var argv = GetProperties(dataset, properties);
        return [.. argv.Take(argv.Count - 1), "-r", dataset];
    }

    /// <summary><c>zfs clone -o k=v … SNAPSHOT DATASET</c>, options in ordinal key order, <see cref="HardenedProperties"/> among them.</summary>
    public IReadOnlyList<string> Clone(string snapshot, string dataset, IReadOnlyDictionary<string, string> properties)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        ZfsNames.ValidateDataset(dataset);
        return Zfs(["clone", .. Options(HardenedProperties.Apply(properties, nameof(properties))), snapshot, dataset]);
    }

    /// <summary><c>zfs send SNAPSHOT</c>, the first half of a copy (see <see cref="ShellQuote.Pipeline"/>).</summary>
    public IReadOnlyList<string> Send(string snapshot)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        return Zfs("send", snapshot);
    }

    /// <summary>
    /// <c>zfs receive DATASET</c>, the second half of a copy. Plain on purpose: zfs-fuse knows neither
    /// <c>-u</c> nor <c>-o</c>, so properties are set afterwards.
    /// </summary>
    public IReadOnlyList<string> Receive(string dataset)
    {
        ZfsNames.ValidateDataset(dataset);
        return Zfs("receive", dataset);
    }

    /// <summary>
    /// Through a guard, the whole copy as one command, <c>GUARD ZFS send SNAPSHOT | ZFS receive DATASET</c> with the <c>|</c> a quoted
    /// word: the guard runs the pipeline itself, so <c>zfs receive</c> never reads a stream the caller wrote (one could carry
    /// mountpoint=/etc). Null without a guard: then <see cref="Send"/> | <see cref="Receive"/> run as a shell pipeline.
    /// </summary>
    public IReadOnlyList<string>? GuardedCopy(string snapshot, string dataset)
    {
        ZfsNames.ValidateSnapshot(snapshot);
        ZfsNames.ValidateDataset(dataset);
        return HasGuard ? Zfs("send", snapshot, SshStorageHost.PipeWord, backend.ZfsPath, "receive", dataset) : null;
    }

    /// <summary>
    /// <c>zfs version</c>: succeeds on OpenZFS 0.8 and later, "unrecognized command" on zfs-fuse; the dialect probe.
    /// </summary>
    public IReadOnlyList<string> Version() => Zfs("version");

    /// <summary>
    /// <c>zpool destroy</c> of a pool no host has: the one command built here that the host's guard must refuse (the preflight's
    /// proof that it is there); were it to run, zpool would only say there is no such pool.
    /// </summary>
    public IReadOnlyList<string> GuardProbe() => Sudo(backend.ZpoolPath, "destroy", HostGuard.ProbePool);

    /// <summary><c>exportfs -v</c>: the kernel's export table with each entry's options.</summary>
    public IReadOnlyList<string> ListExports() => Exportfs("-v");

    /// <summary>
    /// <c>exportfs -o OPTIONS CLIENT:PATH</c>, options from <see cref="NfsExportOptions.For"/>; an IPv6 client
    /// is written <c>[addr]</c> so exportfs does not split it at its first colon. Replaces an entry's options.
    /// </summary>
    public IReadOnlyList<string> Export(NfsClientRule rule, string mountpoint)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ZfsNames.ValidateMountpoint(mountpoint);
        return Exportfs("-o", NfsExportOptions.For(rule), $"{ExportClient(rule.Target.Canonical)}:{mountpoint}");
    }

    /// <summary>
    /// <c>exportfs -u CLIENT:PATH</c>, the client spelled as <c>exportfs -v</c> lists it (exportfs only finds
    /// <c>192.0.2.7/32</c> under that spelling); <c>&lt;world&gt;</c> becomes <c>*</c>, IPv6 gets brackets.
    /// </summary>
    public IReadOnlyList<string> Unexport(string client, string mountpoint)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        var spelled = client == ExportfsTable.World ? "*" : client;
        ZfsNames.ValidateExportClient(spelled, nameof(client));
        return Exportfs("-u", $"{ExportClient(spelled)}:{mountpoint}");
    }

    /// <summary>
    /// <c>sudo -n GANESHA apply PATH CLIENT=LEVEL,SQUASH…</c>: the host's Ganesha program makes the export of the path
    /// exactly these clients (none: nobody may mount it), has the daemon reread its exports and prints what it serves.
    /// Not through the guard: sudoers names the program on its own.
    /// </summary>
    public IReadOnlyList<string> GaneshaApply(string mountpoint, IReadOnlyList<NfsClientRule> rules)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        ArgumentNullException.ThrowIfNull(rules);
        return [backend.SudoPath, "-n", backend.GaneshaPath, "apply", mountpoint,
            .. rules.Select(r => $"{r.Target.Canonical}={NfsExportOptions.Level(r)},{NfsExportOptions.Squash(r)}")];
    }

    /// <summary><c>sudo -n GANESHA show PATH</c>: what NFS-Ganesha serves for the path, read from the daemon.</summary>
    public IReadOnlyList<string> GaneshaShow(string mountpoint)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        return [backend.SudoPath, "-n", backend.GaneshaPath, "show", mountpoint];
    }

    /// <summary><c>sudo -n GANESHA check</c>: the daemon runs and answers (the preflight).</summary>
    public IReadOnlyList<string> GaneshaCheck() => [backend.SudoPath, "-n", backend.GaneshaPath, "check"];

    private static string ExportClient(string client) =>
        client.Contains(':', StringComparison.Ordinal) && !client.StartsWith('[') ? $"[{client}]" : client;

    /// <summary>
    /// The tool's path and arguments of an argv built here, without <c>sudo -n</c> and the guard: what a person reads
    /// as the command. An argv that does not start with <c>sudo -n</c> is returned as it is.
    /// </summary>
    public IReadOnlyList<string> Shown(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count <= 2 || argv[0] != backend.SudoPath || argv[1] != "-n")
        {
            return argv;
        }

        var skip = HasGuard && argv.Count > 3 && argv[2] == backend.GuardPath ? 3 : 2;
        return [.. argv.Skip(skip)];
    }

    private bool HasGuard => !string.IsNullOrEmpty(backend.GuardPath);

    // -o k=v pairs in ordinal key order, so the argv is reproducible.
    private static List<string> Options(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var options = new List<string>();
        foreach (var (name, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ZfsNames.ValidatePropertyName(name, nameof(properties));
            ZfsNames.ValidatePropertyValue(name, value, nameof(properties));
            options.Add("-o");
            options.Add($"{name}={value}");
        }

        return options;
    }

    private string[] Zfs(params string[] args) => Sudo(backend.ZfsPath, args);

    private string[] Exportfs(params string[] args) => Sudo(backend.ExportfsPath, args);

    private string[] Sudo(string tool, params string[] args) =>
        HasGuard ? [backend.SudoPath, "-n", backend.GuardPath, tool, .. args] : [backend.SudoPath, "-n", tool, .. args];
}
