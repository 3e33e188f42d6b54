namespace ZfsPortal.Storage;

// Access rules go through the NFS helper the backend names; this is all the host lets a helper do.
public sealed partial class SshStorageHost : INfsHost
{
    public async Task ApplyExportsAsync(NfsExport exports, CancellationToken ct)
    {
        NfsExportOptions.Validate(exports);
        await NfsHelpers.For(backend, this).ApplyAsync(exports, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        return await NfsHelpers.For(backend, this).ReadAsync(mountpoint, ct).ConfigureAwait(false);
    }

    string INfsHost.BackendName => backend.Name;

    ZfsCommands INfsHost.Commands => _zfs;

    // exportfs -o/-u of this host take turns (HostGates.ExportTable): each rewrites the whole table.
    Task<HostCommandResult> INfsHost.RunAsync(IReadOnlyList<string> argv, bool readOnly, CancellationToken ct) =>
        readOnly || !argv.Contains(backend.ExportfsPath)
            ? RunAsync(argv, readOnly, ct)
            : HostGates.ThroughAsync(HostGates.For(backend).ExportTable, () => RunAsync(argv, readOnly, ct), ct);

    StorageHostException INfsHost.Failed(HostCommandResult result, string what) => Failed(result, what);

    async Task<(IReadOnlyList<ExportfsEntry> Entries, HostCommandRecord Record)> INfsHost.ReadExportTableAsync(string mountpoint, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.ListExports(), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Reading the export table (for {mountpoint})");
        }

        try
        {
            return (ExportfsTable.Parse(result.Stdout), result.Record);
        }
        catch (FormatException ex)
        {
            throw Unreadable(result, "the export table", ex);
        }
    }

    async Task<string> INfsHost.GetPropertyAsync(string dataset, string property, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetProperties(dataset, [property]), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Reading {property} of {dataset}");
        }

        return Parse(result, dataset).TryGetValue(dataset, out var values) && values.TryGetValue(property, out var value)
            ? value
            : throw Unreadable(result, $"{property} of {dataset}");
    }

    // "auto" asks zfs version once per host object.
    async Task<ZfsDialect> INfsHost.DialectAsync(CancellationToken ct)
    {
        if ((_dialect ??= ZfsDialects.FromOption(backend.ZfsDialect)) is { } known)
        {
            return known;
        }

        var result = await RunAsync(_zfs.Version(), readOnly: true, ct).ConfigureAwait(false);
        return (_dialect = ZfsDialects.FromVersionProbe(result.ExitCode, result.Stderr))
               ?? throw Failed(result, "Finding out which ZFS the host runs (zfs version)");
    }
}
