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

    /// <summary>Creates a filesystem dataset with the given properties (<c>zfs create -o k=v … name</c>).</summary>
    Task CreateDatasetAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct);

    /// <summary>Usable capacity of a pool from <c>zfs get -Hp available,used POOL</c>.</summary>
    Task<PoolCapacity> GetPoolCapacityAsync(string pool, CancellationToken ct);
}

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
