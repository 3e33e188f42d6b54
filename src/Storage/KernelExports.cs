namespace ZfsPortal.Storage;

/// <summary>
/// The kernel's export table as the helpers that write it (exportfs, sharenfs) read it: the rules it serves for
/// a path, and the check after a change.
/// </summary>
internal static class KernelExports
{
    public static async Task<IReadOnlyList<NfsClientRule>> ReadAsync(INfsHost host, string mountpoint, CancellationToken ct)
    {
        var table = await host.ReadExportTableAsync(mountpoint, ct).ConfigureAwait(false);
        var entries = ExportfsTable.For(table.Entries, mountpoint);
        var foreign = entries.Where(e => NfsExportOptions.ToRule(e) is null).Select(e => e.Client).ToList();
        if (foreign.Count > 0)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"The export table of backend '{host.BackendName}' lists clients of {mountpoint} that are not an address or a network " +
                $"the portal writes ({string.Join(", ", foreign)}): someone exported it by hand. Applying the share's access rules " +
                "again replaces them with the portal's.",
                table.Record);
        }

        return [.. entries.Select(e => NfsExportOptions.ToRule(e)!)];
    }

    /// <summary>Reads the table back after a change; a difference from the wanted rules is a failure, said in plain words.</summary>
    public static async Task VerifyAsync(INfsHost host, string helper, NfsExport export, CancellationToken ct)
    {
        var (entries, record) = await host.ReadExportTableAsync(export.Mountpoint, ct).ConfigureAwait(false);
        if (ExportfsTable.Mismatch(ExportfsTable.For(entries, export.Mountpoint), export.Clients) is { } mismatch)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"The {helper} helper on backend '{host.BackendName}' reported success, but the export table does not " +
                $"show the access rules of {export.Mountpoint}: {mismatch}. Apply the rules again; if this repeats, check the " +
                "host's NFS server and its exports.",
                record);
        }
    }
}
