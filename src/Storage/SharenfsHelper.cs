namespace ZfsPortal.Storage;

/// <summary>
/// The <c>sharenfs</c> NFS helper: the dataset's property holds the rules (in the host's dialect, see
/// <see cref="SharenfsValue"/>) and zfs writes the export table from it. zfs-fuse re-exports the clients a
/// new value lists but never removes the ones it drops, and its unshare breaks on IPv6 entries, so clients
/// that should go are removed with <c>exportfs -u</c> first. A value that is already right while the table
/// is not (exports lost, changed by hand) is re-shared through <c>off</c>. The table is read back after any change.
/// </summary>
internal sealed class SharenfsHelper(INfsHost host) : INfsHelper
{
    public const string Name = "sharenfs";

    public async Task ApplyAsync(NfsExport export, CancellationToken ct)
    {
        var dialect = await host.DialectAsync(ct).ConfigureAwait(false);
        string value;
        try
        {
            value = SharenfsValue.For(export.Clients, dialect);
        }
        catch (NotSupportedException ex)
        {
            throw new StorageHostException(StorageFailure.NotSupported, $"Backend '{host.BackendName}': {ex.Message}", null, ex);
        }

        var current = await host.GetPropertyAsync(export.Dataset, "sharenfs", ct).ConfigureAwait(false);
        var table = await host.ReadExportTableAsync(export.Mountpoint, ct).ConfigureAwait(false);
        var plan = Plan(host.Commands, current, table.Entries, export, value);
        if (plan.Count == 0)
        {
            return;
        }

        foreach (var step in plan)
        {
            var result = await host.RunAsync(step.Argv, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0 || (step.Value is null && result.Stderr.Contains("Could not find", StringComparison.Ordinal)))
            {
                continue;
            }

            throw host.Failed(result, step.Value is null
                ? $"Removing an export of {export.Mountpoint}"
                : $"Setting sharenfs={step.Value} on {export.Dataset}");
        }

        await KernelExports.VerifyAsync(host, Name, export, ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<NfsClientRule>> ReadAsync(string mountpoint, CancellationToken ct) => KernelExports.ReadAsync(host, mountpoint, ct);

    /// <summary>
    /// The commands that make the property <paramref name="value"/> and the path's entries exactly the export's
    /// rules; none when both already are.
    /// </summary>
    public static IReadOnlyList<SharenfsStep> Plan(
        ZfsCommands commands, string current, IReadOnlyList<ExportfsEntry> entries, NfsExport export, string value)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(export);
        var mine = ExportfsTable.For(entries, export.Mountpoint);
        if (current == value && ExportfsTable.Mismatch(mine, export.Clients) is null)
        {
            return [];
        }

        var wanted = export.Clients.Select(c => c.Target.Canonical).ToHashSet(StringComparer.Ordinal);
        var steps = mine.Where(e => !wanted.Contains(e.Client))
            .Select(e => new SharenfsStep(commands.Unexport(e.Client, export.Mountpoint), null))
            .ToList();
        if (value == SharenfsValue.Off)
        {
            if (current != SharenfsValue.Off)
            {
                steps.Add(Set(commands, export, SharenfsValue.Off));
            }
        }
        else
        {
            if (current == value)
            {
                steps.Add(Set(commands, export, SharenfsValue.Off));
            }

            steps.Add(Set(commands, export, value));
        }

        return steps;
    }

    private static SharenfsStep Set(ZfsCommands commands, NfsExport export, string value) =>
        new(commands.SetSharenfs(export.Dataset, value), value);
}

/// <summary>One command of a sharenfs plan: <c>zfs set sharenfs=</c><see cref="Value"/>, or an <c>exportfs -u</c> when it is null.</summary>
internal sealed record SharenfsStep(IReadOnlyList<string> Argv, string? Value);
