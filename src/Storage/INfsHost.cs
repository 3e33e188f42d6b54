namespace ZfsPortal.Storage;

/// <summary>
/// What an NFS helper may ask of the host it works on. <see cref="SshStorageHost"/> implements it explicitly, so a
/// helper reaches these calls and nothing else of the host.
/// </summary>
internal interface INfsHost
{
    string BackendName { get; }

    /// <summary>Builds argv for the backend's own command paths (sudo, zfs, exportfs).</summary>
    ZfsCommands Commands { get; }

    /// <summary>Runs one argv and records it; only a read-only one is retried when the connection drops.</summary>
    Task<HostCommandResult> RunAsync(IReadOnlyList<string> argv, bool readOnly, CancellationToken ct);

    /// <summary>The failure of a command, said with what it was doing and the host's own words.</summary>
    StorageHostException Failed(HostCommandResult result, string what);

    /// <summary><c>exportfs -v</c>, parsed (all paths); the record is kept for error messages.</summary>
    Task<(IReadOnlyList<ExportfsEntry> Entries, HostCommandRecord Record)> ReadExportTableAsync(string mountpoint, CancellationToken ct);

    /// <summary>One property of a dataset; a missing dataset is a failure here.</summary>
    Task<string> GetPropertyAsync(string dataset, string property, CancellationToken ct);

    /// <summary>Which ZFS the host runs (configured, or asked once per host object).</summary>
    Task<ZfsDialect> DialectAsync(CancellationToken ct);
}
