namespace ZfsPortal.Storage;

/// <summary>
/// The <c>ganesha</c> NFS helper: NFS-Ganesha serves each share from one export block in a directory its ganesha.conf
/// includes. The host's program (<see cref="BackendOptions.GaneshaPath"/>, scripts/storage-host/zfsportal-ganesha, named
/// by a sudoers rule of its own) writes the block for the whole rule set, keeps the share's Export_Id for as long as the
/// share has a file, signals the daemon to reread its exports, and fails when Ganesha logs a CRIT line about that
/// export (its reason becomes the share's message). It then prints what the daemon itself serves (read over D-Bus),
/// which this helper compares with the wanted rules, as the kernel helpers compare <c>exportfs -v</c>.
/// </summary>
internal sealed class GaneshaHelper(INfsHost host) : INfsHelper
{
    public const string Name = "ganesha";

    public async Task ApplyAsync(NfsExport export, CancellationToken ct)
    {
        var result = await host.RunAsync(host.Commands.GaneshaApply(export.Mountpoint, export.Clients), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw host.Failed(result, $"Applying the NFS-Ganesha export of {export.Mountpoint}");
        }

        var served = Parse(result, export.Mountpoint);
        if (ExportfsTable.Mismatch(ExportfsHelper.AsEntries(export.Mountpoint, served.Clients), export.Clients) is { } mismatch)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"NFS-Ganesha on backend '{host.BackendName}' reread its exports, but does not serve the access rules of " +
                $"{export.Mountpoint}: {mismatch}. Apply the rules again; if this repeats, read the daemon's log on the host.",
                result.Record);
        }
    }

    public async Task<IReadOnlyList<NfsClientRule>> ReadAsync(string mountpoint, CancellationToken ct)
    {
        var result = await host.RunAsync(host.Commands.GaneshaShow(mountpoint), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw host.Failed(result, $"Reading what NFS-Ganesha serves for {mountpoint}");
        }

        return Parse(result, mountpoint).Clients;
    }

    private GaneshaExport Parse(HostCommandResult result, string mountpoint)
    {
        try
        {
            return GaneshaExport.Parse(result.Stdout, mountpoint);
        }
        catch (FormatException ex)
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"Backend '{host.BackendName}' answered with output the portal cannot read as NFS-Ganesha's exports of {mountpoint}: " +
                $"{ex.Message} Reinstall the host's Ganesha program with scripts/storage-host.sh up.",
                result.Record, ex);
        }
    }
}
