namespace ZfsPortal.Storage;

/// <summary>
/// The commands <see cref="IStorageHost.ApplyExportsAsync"/> would run to make a path's exports the given set, worked out from a
/// table already read: what a dry run of the reconciler shows, built by the same plans the helpers run.
/// </summary>
public static class ExportPlans
{
    public static IReadOnlyList<IReadOnlyList<string>> For(
        BackendOptions backend, NfsExport export, IReadOnlyList<ExportfsEntry> table, string? currentSharenfs)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(export);
        var commands = new ZfsCommands(backend);
        if (string.Equals(backend.NfsHelper, SharenfsHelper.Name, StringComparison.Ordinal))
        {
            var value = SharenfsValue.For(export.Clients, ZfsDialects.FromOption(backend.ZfsDialect) ?? ZfsDialect.ZfsFuse);
            return [.. SharenfsHelper.Plan(commands, currentSharenfs ?? SharenfsValue.Off, table, export, value).Select(s => s.Argv)];
        }

        List<IReadOnlyList<string>> argv = [.. ExportfsHelper.Plan(commands, table, export).Select(s => s.Argv)];
        if (commands.KeepsExportsFile)
        {
            argv.Add(commands.PersistExports(export.Mountpoint, export.Clients));
        }

        return argv;
    }
}
