using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

// The export table, changed only through the commands the real helpers plan.
public sealed partial class FakeStorageHost
{
    /// <summary>The export table's entries for a path, clients spelled as <c>exportfs -v</c> lists them.</summary>
    public IReadOnlyList<ExportfsEntry> ExportsOf(string mountpoint)
    {
        lock (_gate)
        {
            return [.. _exports.Where(e => e.Path == mountpoint)];
        }
    }

    /// <summary>Puts an entry in the export table without recording a command (e.g. one made by hand on the host).</summary>
    public void AddExport(string mountpoint, string client, params string[] options)
    {
        lock (_gate)
        {
            _exports.Add(new ExportfsEntry(mountpoint, client, options));
        }
    }

    private async Task ApplyExportsAsync(BackendOptions backend, IHostCommandLog? log, NfsExport export, CancellationToken ct)
    {
        NfsExportOptions.Validate(export);
        var commands = new ZfsCommands(backend);
        if (backend.NfsHelper == "sharenfs")
        {
            await ApplySharenfsAsync(backend, log, commands, export, ct);
            return;
        }

        var table = await ReadTableAsync(backend, log, commands, ct);
        var plan = ExportfsHelper.Plan(commands, table, export);
        foreach (var step in plan)
        {
            await RunAsync(backend, log, step.Argv, () => step.Rule is null ? Unexport(export.Mountpoint, step.Argv) : Export(export.Mountpoint, step.Rule), ct);
        }

        if (plan.Count > 0)
        {
            await ReadTableAsync(backend, log, commands, ct);
        }
    }

    private async Task ApplySharenfsAsync(BackendOptions backend, IHostCommandLog? log, ZfsCommands commands, NfsExport export, CancellationToken ct)
    {
        string value;
        try
        {
            value = SharenfsValue.For(export.Clients, ZfsDialects.FromOption(backend.ZfsDialect) ?? ZfsDialect.ZfsFuse);
        }
        catch (NotSupportedException ex)
        {
            throw new StorageHostException(StorageFailure.NotSupported, $"Backend '{backend.Name}': {ex.Message}", null, ex);
        }

        var current = await RunAsync(backend, log, commands.GetProperties(export.Dataset, ["sharenfs"]), () =>
            _datasets.TryGetValue(export.Dataset, out var values)
                ? Outcome<string>.Ok(values["sharenfs"])
                : Outcome<string>.Fail($"cannot open '{export.Dataset}': dataset does not exist"), ct);
        var table = await ReadTableAsync(backend, log, commands, ct);
        var plan = SharenfsHelper.Plan(commands, current, table, export, value);
        foreach (var step in plan)
        {
            await RunAsync(backend, log, step.Argv, () =>
            {
                if (step.Value is null)
                {
                    return Unexport(export.Mountpoint, step.Argv);
                }

                _datasets[export.Dataset]["sharenfs"] = step.Value;
                _exports.RemoveAll(e => e.Path == export.Mountpoint);
                if (step.Value != SharenfsValue.Off)
                {
                    _exports.AddRange(export.Clients.Select(c => Entry(export.Mountpoint, c)));
                }

                return Outcome<bool>.Ok(true);
            }, ct);
        }

        if (plan.Count > 0)
        {
            await ReadTableAsync(backend, log, commands, ct);
        }
    }

    private async Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(BackendOptions backend, IHostCommandLog? log, string mountpoint, CancellationToken ct)
    {
        ZfsNames.ValidateMountpoint(mountpoint);
        var entries = ExportfsTable.For(await ReadTableAsync(backend, log, new ZfsCommands(backend), ct), mountpoint);
        var foreign = entries.Where(e => NfsExportOptions.ToRule(e) is null).Select(e => e.Client).ToList();
        return foreign.Count == 0
            ? [.. entries.Select(e => NfsExportOptions.ToRule(e)!)]
            : throw new StorageHostException(StorageFailure.CommandFailed,
                $"The export table of backend '{backend.Name}' lists clients of {mountpoint} that are not an address or a network " +
                $"the portal writes ({string.Join(", ", foreign)}).");
    }

    private Task<IReadOnlyList<ExportfsEntry>> ReadTableAsync(BackendOptions backend, IHostCommandLog? log, ZfsCommands commands, CancellationToken ct) =>
        RunAsync(backend, log, commands.ListExports(), () => Outcome<IReadOnlyList<ExportfsEntry>>.Ok([.. _exports]), ct);

    private Outcome<bool> Export(string mountpoint, NfsClientRule rule)
    {
        if (!_datasets.Values.Any(d => d["mountpoint"] == mountpoint))
        {
            return Outcome<bool>.Fail($"exportfs: Failed to stat {mountpoint}: No such file or directory");
        }

        var at = _exports.FindIndex(e => e.Path == mountpoint && e.Client == rule.Target.Canonical);
        if (at < 0)
        {
            _exports.Add(Entry(mountpoint, rule));
        }
        else
        {
            _exports[at] = Entry(mountpoint, rule);
        }

        return Outcome<bool>.Ok(true);
    }

    // The argv ends in CLIENT:PATH, the client as exportfs -v lists it (brackets around IPv6, * for <world>).
    private Outcome<bool> Unexport(string mountpoint, IReadOnlyList<string> argv)
    {
        var spec = argv[^1];
        var client = spec[..^(mountpoint.Length + 1)].Trim('[', ']');
        var removed = _exports.RemoveAll(e => e.Path == mountpoint && (e.Client == client || (client == "*" && e.Client == ExportfsTable.World)));
        return removed > 0 ? Outcome<bool>.Ok(true) : new Outcome<bool>(1, $"exportfs: Could not find '{spec}' to unexport.", false, IsError: false);
    }

    // What exportfs -v shows for an entry the portal made (this host's nfs-utils, checked).
    private static ExportfsEntry Entry(string mountpoint, NfsClientRule rule) =>
        new(mountpoint, rule.Target.Canonical,
            ["sync", "wdelay", "hide", "no_subtree_check", "sec=sys", rule.Level == NfsAccessLevel.ReadWrite ? "rw" : "ro",
             rule.RootSquash ? "root_squash" : "no_root_squash", "no_all_squash"]);
}
