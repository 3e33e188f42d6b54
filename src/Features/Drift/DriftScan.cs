using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Drift;

/// <summary>A share as the reconciler compares it: its records, and whether an operation is under way on it.</summary>
public sealed record ShareRecord(
    Guid Id, Guid ProjectId, string Name, ShareStatus Status, string Dataset, string? Mountpoint, int SizeGiB,
    IReadOnlyDictionary<string, string> TypeProperties, IReadOnlyList<NfsClientRule> Rules,
    IReadOnlyList<(Guid Id, string ZfsName)> Snapshots, bool Busy);

/// <summary>What the host holds now, from the bulk reads: each pool's tree (null: pool missing), the export table, the exports file.</summary>
public sealed record HostState(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> Pools,
    IReadOnlyList<ExportfsEntry> Table, IReadOnlyList<ExportfsEntry>? ExportsFile);

public sealed record Finding(DriftKind Kind, string Message, Guid? ShareId = null, Guid? SnapshotId = null, string? Dataset = null, long? SizeBytes = null)
{
    /// <summary>False for a finding already recorded on its share (a gone dataset of a share in error): reported, nothing to run.</summary>
    public bool Recorded { get; init; }

    /// <summary>True for what a repair operation puts right (or, for a gone dataset, records on the share).</summary>
    public bool NeedsRepair => !Recorded && Kind is DriftKind.DatasetGone or DriftKind.SnapshotGone or DriftKind.ExportsDiffer
        or DriftKind.ExportsFileDiffers or DriftKind.RefquotaDiffers or DriftKind.PropertyDiffers or DriftKind.NotMounted;
}

/// <summary>The findings of one comparison, the shares a repair is due for, the commands those repairs run, and the shares skipped.</summary>
public sealed record ScanResult(IReadOnlyList<Finding> Findings, IReadOnlyList<Guid> Repairs, IReadOnlyList<string> Commands, int Skipped);

/// <summary>
/// Compares a backend's host with the portal's records. Only datasets one level below the backend's own pools and named with
/// its own prefix count, so a reconciler never judges (or touches) what another portal or a person keeps on the same host.
/// Pure: the same inputs give the same findings, which the unit tests check without a host.
/// </summary>
public static class DriftScan
{
    /// <summary>What the pool read asks for, besides the share types' own properties.</summary>
    public static readonly IReadOnlyList<string> BaseProperties =
        ["type", "mountpoint", "refquota", "used", "sharenfs", "mounted", "canmount", .. HardenedProperties.Values.Keys];

    public static ScanResult Compare(BackendOptions backend, IReadOnlyList<ShareRecord> shares, HostState host)
    {
        var findings = new List<Finding>();
        var repairs = new List<Guid>();
        var commands = new List<string>();
        var zfs = new ZfsCommands(backend);
        var skipped = 0;
        foreach (var (pool, tree) in host.Pools)
        {
            if (tree is null)
            {
                findings.Add(new Finding(DriftKind.PoolMissing,
                    $"Pool {pool} of backend '{backend.Name}' is not on the host: its shares cannot be reached. Import the pool on the host " +
                    "(zpool import), or remove it from the backend's pools if it is gone for good."));
            }
            else if (tree.TryGetValue(pool, out var root) && Unmounted(root))
            {
                findings.Add(new Finding(DriftKind.PoolRootNotMounted,
                    $"The root of pool {pool} of backend '{backend.Name}' is not mounted (the host's ZFS service restarted without mounting its " +
                    "datasets?). The reconciler mounts it before the first share it mounts again; if this stays, mount it on the host " +
                    $"(zfs mount {pool}) before anything below it is mounted.", Dataset: pool));
            }
        }

        foreach (var share in shares)
        {
            var pool = share.Dataset.Split('/')[0];
            if (!host.Pools.TryGetValue(pool, out var tree) || tree is null)
            {
                continue;
            }

            if (share.Busy)
            {
                skipped++;
                continue;
            }

            var before = findings.Count;
            Compare(backend, zfs, share, tree, host, findings, commands);
            if (findings.Skip(before).Any(f => f.NeedsRepair))
            {
                repairs.Add(share.Id);
            }
        }

        var owned = shares.Select(s => s.Dataset).ToHashSet(StringComparer.Ordinal);
        foreach (var (pool, tree) in host.Pools)
        {
            foreach (var (name, props) in tree ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
            {
                if (IsOurs(backend, pool, name) && !owned.Contains(name))
                {
                    var size = Bytes(props.GetValueOrDefault("refquota")) is > 0 and var q ? q : Bytes(props.GetValueOrDefault("used"));
                    findings.Add(new Finding(DriftKind.UnownedDataset,
                        $"Dataset {name} is below the backend's prefix but no share owns it ({Describe(size)}). Adopt it as a share of a " +
                        "project, or destroy it on the host if nobody needs it.", Dataset: name, SizeBytes: size));
                }
            }
        }

        return new ScanResult(findings, repairs, commands, skipped);
    }

    /// <summary><c>POOL/PREFIX…</c>, one level below one of the backend's pools: the only datasets a reconciler of it may name.</summary>
    public static bool IsOurs(BackendOptions backend, string pool, string dataset)
    {
        var rest = dataset.Length > pool.Length + 1 && dataset.StartsWith(pool + "/", StringComparison.Ordinal) ? dataset[(pool.Length + 1)..] : "";
        return rest.Length > backend.DatasetPrefix.Length && rest.StartsWith(backend.DatasetPrefix, StringComparison.Ordinal)
               && !rest.Contains('/', StringComparison.Ordinal) && !rest.Contains('@', StringComparison.Ordinal);
    }

    private static void Compare(BackendOptions backend, ZfsCommands zfs, ShareRecord share,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> tree, HostState host, List<Finding> findings, List<string> commands)
    {
        string Shown(IReadOnlyList<string> argv) => ShellQuote.Join(zfs.Shown(argv));
        if (!tree.TryGetValue(share.Dataset, out var props))
        {
            // Still reported once the share is in error: it is what an admin must act on.
            findings.Add(new Finding(DriftKind.DatasetGone, GoneMessage(share.Dataset, backend.Name), share.Id, Dataset: share.Dataset)
                { Recorded = share.Status.IsError() });
            if (!share.Status.IsError())
                commands.Add($"# share {share.Name}: no command; the share goes to error (its dataset {share.Dataset} is gone)");
            return;
        }

        if (share.Status == ShareStatus.Error)
        {
            findings.Add(new Finding(DriftKind.ErrorShareHasDataset,
                $"Share {share.Name} is in error, but its dataset {share.Dataset} is on the host ({Describe(Bytes(props.GetValueOrDefault("used")))} used): " +
                "a create that finished after the portal gave up, or a failure after the dataset was made. Delete the share to remove " +
                "the dataset, or unmanage the share and adopt the dataset to keep it.", share.Id, Dataset: share.Dataset));
            return;
        }

        if (share.Status is not (ShareStatus.Available or ShareStatus.ExtendingError or ShareStatus.ShrinkingError))
        {
            return;
        }

        foreach (var (id, zfsName) in share.Snapshots.Where(s => !tree.ContainsKey(s.ZfsName)))
        {
            findings.Add(new Finding(DriftKind.SnapshotGone,
                $"Snapshot {zfsName} of share {share.Name} is gone from the host: it was destroyed outside the portal. It cannot be " +
                "restored; delete the snapshot record.", share.Id, id, share.Dataset));
        }

        if (share.Status == ShareStatus.Available && Bytes(props.GetValueOrDefault("refquota")) != DatasetProperties.GiB(share.SizeGiB))
        {
            findings.Add(new Finding(DriftKind.RefquotaDiffers,
                $"The refquota of {share.Dataset} is {Describe(Bytes(props.GetValueOrDefault("refquota")))}, not the share's {share.SizeGiB} GiB: " +
                "it was changed outside the portal and is put back.", share.Id, Dataset: share.Dataset));
            commands.Add(Shown(zfs.SetProperty(share.Dataset, "refquota", $"{share.SizeGiB}G")));
        }

        foreach (var (key, value) in share.TypeProperties.Where(p => !DatasetProperties.Reserved.Contains(p.Key)))
        {
            var have = props.GetValueOrDefault(key.ToLowerInvariant());
            if (!SameValue(have, value))
            {
                findings.Add(new Finding(DriftKind.PropertyDiffers,
                    PropertyDiffers(share.Dataset, key, have ?? "(unset)", value), share.Id, Dataset: share.Dataset));
                commands.Add(Shown(zfs.SetProperty(share.Dataset, key.ToLowerInvariant(), value)));
            }
        }

        // A host that does not say (no row for it) is not judged.
        foreach (var (key, value) in HardenedProperties.Values.Where(p => props.TryGetValue(p.Key, out var have) && have != p.Value))
        {
            findings.Add(new Finding(DriftKind.PropertyDiffers,
                $"{share.Dataset} has {key}={props[key]}, but the portal keeps {key}={value} on every share, so " +
                "that nothing a tenant puts there gives root on the host: put back.", share.Id, Dataset: share.Dataset));
            commands.Add(Shown(zfs.SetProperty(share.Dataset, key, value)));
        }

        var mountpoint = share.Mountpoint ?? props.GetValueOrDefault("mountpoint");
        if (mountpoint is null || !mountpoint.StartsWith('/'))
        {
            return;
        }

        if (Unmounted(props))
        {
            findings.Add(new Finding(DriftKind.NotMounted,
                $"The dataset {share.Dataset} of share {share.Name} is not mounted, so its clients find nothing at {mountpoint} (the host's " +
                "ZFS service restarted without mounting its datasets?): mounted again and its exports applied anew.", share.Id, Dataset: share.Dataset));
            var pool = share.Dataset.Split('/')[0];
            if (tree.TryGetValue(pool, out var root) && Unmounted(root))
                commands.Add(Shown(zfs.MountPool(pool)));
            commands.Add(Shown(zfs.Mount(share.Dataset)));
            // Exported anew from nothing, so that the kernel's export follows the new mount.
            commands.AddRange(ExportPlans.For(backend, new NfsExport(share.Dataset, mountpoint, share.Rules), [], props.GetValueOrDefault("sharenfs")).Select(Shown));
            return;
        }

        var export = new NfsExport(share.Dataset, mountpoint, share.Rules);
        var table = ExportfsTable.Mismatch(ExportfsTable.For(host.Table, mountpoint), share.Rules);
        var file = host.ExportsFile is null || backend.NfsHelper != ExportfsHelper.Name ? null : ExportsFileLines.Mismatch(host.ExportsFile, mountpoint, share.Rules);
        if (table is not null)
        {
            findings.Add(new Finding(DriftKind.ExportsDiffer,
                $"The export table does not serve share {share.Name} as its rules say ({table}): put back.", share.Id, Dataset: share.Dataset));
        }

        if (file is not null)
        {
            findings.Add(new Finding(DriftKind.ExportsFileDiffers,
                $"The exports file {backend.ExportsFile} does not hold share {share.Name}'s rules ({file}), so a reboot would lose them: put back.",
                share.Id, Dataset: share.Dataset));
        }

        if (table is not null || file is not null)
        {
            commands.AddRange(ExportPlans.For(backend, export, host.Table, props.GetValueOrDefault("sharenfs")).Select(Shown));
        }
    }

    /// <summary>A filesystem that should be mounted and is not; a host that does not say (no <c>mounted</c> row) counts as mounted.</summary>
    public static bool Unmounted(IReadOnlyDictionary<string, string> props) =>
        props.GetValueOrDefault("mounted") == "no" && props.GetValueOrDefault("canmount") is not ("off" or "noauto");

    public static string GoneMessage(string dataset, string backend) =>
        $"The dataset {dataset} is gone from backend '{backend}': it was destroyed outside the portal, and the share's data with it. " +
        "Restore it from a backup under the same name and ask an admin to reconcile the backend, or delete the share.";

    // zfs get -p prints sizes as bytes and most values in lower case; a type may say 128K or LZ4.
    private static bool SameValue(string? have, string want) =>
        have is not null && (string.Equals(have, want, StringComparison.OrdinalIgnoreCase)
                             || (ParseSize(want) is { } w && Bytes(have) == w));

    private static long? ParseSize(string value)
    {
        var units = "KMGTP";
        var last = char.ToUpperInvariant(value[^1]);
        var power = units.IndexOf(last, StringComparison.Ordinal) + 1;
        var digits = power > 0 ? value[..^1] : value;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n << (10 * power) : null;
    }

    public static long Bytes(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string PropertyDiffers(string dataset, string key, string have, string value) =>
        $"{dataset} has {key}={have}, but its share type sets {key}={value}: put back.";

    private static string Describe(long bytes) => bytes >= 1L << 30
        ? $"{bytes / (double)(1L << 30):0.##} GiB"
        : $"{bytes / (double)(1L << 20):0.#} MiB";
}
