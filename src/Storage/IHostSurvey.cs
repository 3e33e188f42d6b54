namespace ZfsPortal.Storage;

/// <summary>
/// The reconciler's view of a host: a few bulk reads that say what the host holds now, to compare with the portal's records.
/// <see cref="SshStorageHost"/> implements it; read-only, each a single command.
/// </summary>
public interface IHostSurvey
{
    /// <summary>
    /// Every dataset and snapshot of a pool with the given properties (<c>zfs get -H -p … -r POOL</c>), by full name; null when the
    /// pool is not there.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetPoolTreeAsync(
        string pool, IReadOnlyList<string> properties, CancellationToken ct);

    /// <summary>The kernel's whole export table (<c>exportfs -v</c>).</summary>
    Task<IReadOnlyList<ExportfsEntry>> ReadExportTableAsync(CancellationToken ct);

    /// <summary>Every line of the backend's exports file; null when the backend keeps none (<see cref="BackendOptions.ExportsFile"/>).</summary>
    Task<IReadOnlyList<ExportfsEntry>?> ReadExportsFileAsync(CancellationToken ct);
}
