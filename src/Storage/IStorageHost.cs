namespace ZfsPortal.Storage;

/// <summary>
/// The one boundary to a ZFS host. Every method is idempotent where the operation allows it and
/// reports each host command it ran to the <see cref="IHostCommandLog"/> it was opened with.
/// </summary>
public interface IStorageHost
{
    /// <summary>Reads the given properties of a dataset; null when the dataset does not exist.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetDatasetPropertiesAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct);

    /// <summary>
    /// Creates a filesystem dataset with the given properties (<c>zfs create -o k=v … name</c>). A dataset of that
    /// name that exists already is a <see cref="StorageFailure.AlreadyExists"/> failure (no read before, to keep a
    /// create at one command).
    /// </summary>
    Task CreateDatasetAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct);

    /// <summary>Usable capacity of a pool from <c>zfs get -Hp available,used POOL</c>.</summary>
    Task<PoolCapacity> GetPoolCapacityAsync(string pool, CancellationToken ct);

    /// <summary>Sets properties, one <c>zfs set k=v DATASET</c> each (zfs-fuse takes one per call).</summary>
    Task SetPropertiesAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct);

    /// <summary>
    /// Destroys a filesystem dataset that has no snapshots: unmounts it first, retries a bounded number of
    /// times on "dataset is busy" (or "cannot unmount" while a process holds files). False when it did not exist
    /// (already gone counts as done). Never recursive: a dataset with snapshots is refused with a
    /// <see cref="StorageHostException"/> that names them, and a refused dataset is mounted again.
    /// </summary>
    Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct);

    /// <summary>
    /// <c>zfs snapshot DATASET@NAME</c>; the argument is the full snapshot name. One that exists already is a
    /// <see cref="StorageFailure.AlreadyExists"/> failure.
    /// </summary>
    Task CreateSnapshotAsync(string snapshot, CancellationToken ct);

    /// <summary>
    /// <c>zfs destroy DATASET@NAME</c>; false when it did not exist. A snapshot a clone depends on is refused with a
    /// <see cref="StorageHostException"/> that names the clone.
    /// </summary>
    Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct);

    /// <summary>
    /// <c>zfs rollback DATASET@NAME</c>: the dataset's data as it was at its latest snapshot; properties (refquota, sharenfs)
    /// and exports are not part of a snapshot and stay. Never <c>-r</c>: a newer snapshot on the host is a
    /// <see cref="StorageFailure.CommandFailed"/> that names it, and nothing changes.
    /// </summary>
    Task RollbackAsync(string snapshot, CancellationToken ct);

    /// <summary>
    /// Bytes written to the dataset since <paramref name="snapshot"/>, its latest: what a rollback to it would throw away.
    /// OpenZFS reads <c>written@NAME</c>; zfs-fuse 0.7 has no <c>written</c>, so its <c>usedbydataset</c> (the blocks no
    /// snapshot holds), which for the latest snapshot is the same. Null when the dataset does not exist.
    /// </summary>
    Task<long?> GetWrittenSinceAsync(string snapshot, CancellationToken ct);

    /// <summary>
    /// The dataset's snapshots (full names) with the given properties, read portably
    /// (<c>zfs get -H -p -o name,property,value PROPS -r DATASET</c>, snapshot rows only).
    /// Empty when the dataset has none; null when the dataset does not exist.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct);

    /// <summary>
    /// An independent copy of a snapshot as a new dataset: <c>zfs send SNAP | zfs receive NEW</c> as one
    /// pipeline on the host (failing when either side fails), then <c>NEW@NAME</c>, which receive brings along, is
    /// destroyed (the copy has no snapshot and no origin), then the given properties are set on NEW. The caller
    /// checks that NEW is absent. A failed pipeline leaves nothing; a failure after it removes NEW again (best
    /// effort) before the error is thrown. A cancelled call may leave NEW behind.
    /// </summary>
    Task CopyFromSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct);

    /// <summary><c>zfs clone -o k=v … SNAP NEW</c>: instant, but pins the origin snapshot.</summary>
    Task CloneSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct);

    /// <summary>
    /// Makes the host export the mount point of <paramref name="exports"/> to exactly its clients, through the
    /// backend's NFS helper (<c>exportfs</c> entries or the <c>sharenfs</c> property). The whole set is
    /// applied each time, so applying twice changes nothing; an empty set removes every export of the path
    /// (entries made by hand included). The result is read back from the host and compared; a mismatch is a
    /// failure. A set the helper cannot express (IPv6 through zfs-fuse's sharenfs, mixed root squash through
    /// OpenZFS's sharenfs) fails with <see cref="StorageFailure.NotSupported"/> before anything changes.
    /// </summary>
    Task ApplyExportsAsync(NfsExport exports, CancellationToken ct);

    /// <summary>
    /// What the host's export table says about a path right now (from <c>exportfs -v</c>). An entry the portal
    /// cannot express as a rule (a host name, wildcard, netgroup, <c>*</c>) is a <see cref="StorageHostException"/>
    /// that names it, rather than being left out.
    /// </summary>
    Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct);
}

/// <summary>A path and the whole set of clients that may mount it.</summary>
public sealed record NfsExport(string Dataset, string Mountpoint, IReadOnlyList<NfsClientRule> Clients)
{
    /// <summary>
    /// The clients the portal applied to this path last time, when it knows them. The exportfs helper then plans
    /// from them instead of reading the export table first, and reads the table only afterwards, to check; a table
    /// that says anything else (lost at a reboot, edited by hand) is read again and put right. Null: read first.
    /// </summary>
    public IReadOnlyList<NfsClientRule>? LastApplied { get; init; }
}

/// <summary>One client of an export: a canonical address or network (see <see cref="AccessTarget"/>).</summary>
public sealed record NfsClientRule(AccessTarget Target, NfsAccessLevel Level, bool RootSquash);

/// <summary>Opens hosts for backends; connections are kept open and shared per backend.</summary>
public interface IStorageHostFactory
{
    IStorageHost Open(BackendOptions backend, IHostCommandLog log);
}

/// <summary>Receives a record of every command run on a host, whatever its outcome.</summary>
public interface IHostCommandLog
{
    void Add(HostCommandRecord record);
}

public sealed record HostCommandRecord(
    string Backend,
    IReadOnlyList<string> Argv,
    int ExitCode,
    TimeSpan Duration,
    string Stderr,
    DateTimeOffset StartedAt);

public sealed record PoolCapacity(string Pool, long AvailableBytes, long UsedBytes);
