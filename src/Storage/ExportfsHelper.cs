namespace ZfsPortal.Storage;

/// <summary>
/// The <c>exportfs</c> NFS helper: writes the kernel's export table directly, one <c>client:path</c> entry per
/// rule. Applying compares the table with the wanted set and runs only what differs: <c>exportfs -u</c> for
/// clients that should not be there (removals first), <c>exportfs -o</c> for missing ones or ones with other
/// options (it replaces them), then reads the table back. When the caller knows what it applied last time
/// (<see cref="NfsExport.LastApplied"/>), the plan starts from that and the one read is the check afterwards. With an exports
/// file (<see cref="BackendOptions.ExportsFile"/>) the path's lines there are replaced last, so a reboot or <c>exportfs -ra</c>
/// brings back the same set (<see cref="ExportsFilePersistence"/>).
/// </summary>
internal sealed class ExportfsHelper(INfsHost host) : INfsHelper
{
    public const string Name = "exportfs";

    public async Task ApplyAsync(NfsExport export, CancellationToken ct)
    {
        await ApplyTableAsync(export, ct).ConfigureAwait(false);
        await ExportsFilePersistence.PersistAsync(host, export, ct).ConfigureAwait(false);
    }

    private async Task ApplyTableAsync(NfsExport export, CancellationToken ct)
    {
        IReadOnlyList<ExportfsEntry> current;
        if (export.LastApplied is { } lastApplied)
        {
            await RunAsync(Plan(host.Commands, AsEntries(export.Mountpoint, lastApplied), export), export, ct).ConfigureAwait(false);
            var (after, _) = await host.ReadExportTableAsync(export.Mountpoint, ct).ConfigureAwait(false);
            if (ExportfsTable.Mismatch(ExportfsTable.For(after, export.Mountpoint), export.Clients) is null)
            {
                return;
            }

            current = after;
        }
        else
        {
            (current, _) = await host.ReadExportTableAsync(export.Mountpoint, ct).ConfigureAwait(false);
        }

        var plan = Plan(host.Commands, current, export);
        if (plan.Count == 0)
        {
            return;
        }

        await RunAsync(plan, export, ct).ConfigureAwait(false);
        await KernelExports.VerifyAsync(host, Name, export, ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<NfsClientRule>> ReadAsync(string mountpoint, CancellationToken ct) => KernelExports.ReadAsync(host, mountpoint, ct);

    /// <summary>The table as it would read if it held exactly <paramref name="rules"/> for the path.</summary>
    internal static IReadOnlyList<ExportfsEntry> AsEntries(string mountpoint, IReadOnlyList<NfsClientRule> rules) =>
        [.. rules.Select(r => new ExportfsEntry(mountpoint, r.Target.Canonical, NfsExportOptions.For(r).Split(',')))];

    private async Task RunAsync(IReadOnlyList<ExportfsStep> plan, NfsExport export, CancellationToken ct)
    {
        foreach (var step in plan)
        {
            var result = await host.RunAsync(step.Argv, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0 || (step.Rule is null && result.Stderr.Contains("Could not find", StringComparison.Ordinal)))
            {
                continue;
            }

            if (step.Rule is not null)
            {
                // exportfs -o keeps the entry in the table even when it fails (e.g. "Failed to stat"): take it out again.
                await host.RunAsync(host.Commands.Unexport(step.Rule.Target.Canonical, export.Mountpoint), readOnly: false, ct).ConfigureAwait(false);
            }

            throw host.Failed(result, step.Rule is null
                ? $"Removing an export of {export.Mountpoint}"
                : $"Exporting {export.Mountpoint} to {step.Rule.Target}");
        }
    }

    /// <summary>The commands that turn the entries of the export's path into exactly its rules; none when they already are.</summary>
    public static IReadOnlyList<ExportfsStep> Plan(ZfsCommands commands, IReadOnlyList<ExportfsEntry> entries, NfsExport export)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(export);
        var wanted = export.Clients.Select(c => c.Target.Canonical).ToHashSet(StringComparer.Ordinal);
        var steps = new List<ExportfsStep>();
        foreach (var entry in ExportfsTable.For(entries, export.Mountpoint).Where(e => !wanted.Contains(e.Client)))
        {
            steps.Add(new ExportfsStep(commands.Unexport(entry.Client, export.Mountpoint), null));
        }

        foreach (var rule in export.Clients.OrderBy(c => c.Target.Canonical, StringComparer.Ordinal))
        {
            var entry = entries.FirstOrDefault(e => e.Path == export.Mountpoint && e.Client == rule.Target.Canonical);
            if (entry is null || !NfsExportOptions.Matches(rule, entry.Options))
            {
                steps.Add(new ExportfsStep(commands.Export(rule, export.Mountpoint), rule));
            }
        }

        return steps;
    }
}

/// <summary>One exportfs command of a plan: an export of <see cref="Rule"/>, or a removal when it is null.</summary>
internal sealed record ExportfsStep(IReadOnlyList<string> Argv, NfsClientRule? Rule);
