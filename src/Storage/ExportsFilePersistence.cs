namespace ZfsPortal.Storage;

/// <summary>
/// Writes a path's rules into the backend's exports file through the guard and checks the lines the guard read back from the
/// new file; a backend without one is left as it is (its exports live only in the kernel's table).
/// </summary>
internal static class ExportsFilePersistence
{
    public static async Task PersistAsync(INfsHost host, NfsExport export, CancellationToken ct)
    {
        if (!host.Commands.KeepsExportsFile)
        {
            return;
        }

        var result = await host.RunAsync(host.Commands.PersistExports(export.Mountpoint, export.Clients), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw host.Failed(result, $"Writing the exports of {export.Mountpoint} to the host's exports file");
        }

        string? mismatch;
        try
        {
            mismatch = ExportsFileLines.Mismatch(ExportsFileLines.Parse(result.Stdout), export.Mountpoint, export.Clients);
        }
        catch (FormatException ex)
        {
            mismatch = ex.Message;
        }

        if (mismatch is not null)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"The exports file of backend '{host.BackendName}' does not hold the access rules of {export.Mountpoint} after writing " +
                $"them: {mismatch}. The kernel's table is right, but a reboot would lose the difference: apply the rules again, and if " +
                "this repeats, check the guard's EXPORTS_FILE on the host.",
                result.Record);
        }
    }
}
