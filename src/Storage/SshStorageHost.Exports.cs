namespace ZfsPortal.Storage;

// Access rules: the NFS helper the backend names, the export table read back, the ZFS dialect.
public sealed partial class SshStorageHost
{
    public async Task ApplyExportsAsync(NfsExport exports, CancellationToken ct)
    {
        NfsExportOptions.Validate(exports);
        var apply = backend.NfsHelper switch
        {
            "exportfs" => new ExportfsHelper(this).ApplyAsync(exports, ct),
            "sharenfs" => new SharenfsHelper(this).ApplyAsync(exports, ct),
            _ => throw new StorageHostException(StorageFailure.NotSupported,
                $"Backend '{backend.Name}' names the NFS helper '{backend.NfsHelper}', which the portal does not know: use 'exportfs' or 'sharenfs'."),
        };
        await apply.ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        var table = await ReadExportTableAsync(mountpoint, ct).ConfigureAwait(false);
        var entries = ExportfsTable.For(table.Entries, mountpoint);
        var foreign = entries.Where(e => NfsExportOptions.ToRule(e) is null).Select(e => e.Client).ToList();
        if (foreign.Count > 0)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"The export table of backend '{backend.Name}' lists clients of {mountpoint} that are not an address or a network " +
                $"the portal writes ({string.Join(", ", foreign)}): someone exported it by hand. Applying the share's access rules " +
                "again replaces them with the portal's.",
                table.Record);
        }

        return [.. entries.Select(e => NfsExportOptions.ToRule(e)!)];
    }

    /// <summary><c>exportfs -v</c>, parsed; the record is kept for error messages.</summary>
    internal async Task<(IReadOnlyList<ExportfsEntry> Entries, HostCommandRecord Record)> ReadExportTableAsync(string mountpoint, CancellationToken ct)
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

    /// <summary>Reads the table back after a change; a difference from the wanted rules is a failure, said in plain words.</summary>
    internal async Task VerifyExportsAsync(NfsExport export, CancellationToken ct)
    {
        var (entries, record) = await ReadExportTableAsync(export.Mountpoint, ct).ConfigureAwait(false);
        if (ExportfsTable.Mismatch(ExportfsTable.For(entries, export.Mountpoint), export.Clients) is { } mismatch)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"The {backend.NfsHelper} helper on backend '{backend.Name}' reported success, but the export table does not " +
                $"show the access rules of {export.Mountpoint}: {mismatch}. Apply the rules again; if this repeats, check the " +
                "host's NFS server and its exports.",
                record);
        }
    }

    /// <summary>The host's <c>sharenfs</c> value of a dataset; a missing dataset is a failure here.</summary>
    internal async Task<string> GetSharenfsAsync(string dataset, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetProperties(dataset, ["sharenfs"]), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Reading sharenfs of {dataset}");
        }

        return Parse(result, dataset).TryGetValue(dataset, out var values) && values.TryGetValue("sharenfs", out var value)
            ? value
            : throw Unreadable(result, $"sharenfs of {dataset}");
    }

    /// <summary>The configured dialect, or (for "auto") the host's answer to <c>zfs version</c>, asked once per host object.</summary>
    internal async Task<ZfsDialect> DialectAsync(CancellationToken ct)
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
