using ZfsPortal.Features.Common;
using System.Globalization;
using System.Net.Sockets;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

/// <summary>
/// A ZFS host reached over a pooled SSH connection. Each command is an argv from
/// <see cref="ZfsCommands"/>, quoted by <see cref="ShellQuote"/>, and recorded in the log the host
/// was opened with whatever its outcome (a command that never reached the host is not recorded).
/// </summary>
public sealed class SshStorageHost(BackendOptions backend, SshConnectionPool pool, IHostCommandLog log, TimeProvider time) : IStorageHost
{
    /// <summary>The argv word that stands for the pipe between the two halves of a recorded pipeline.</summary>
    internal const string PipeWord = "|";

    /// <summary>Longest stderr kept in a record or message; zfs errors are one line, this bounds the odd stack dump.</summary>
    public const int MaxStderrChars = 2000;

    /// <summary>How often <c>zfs destroy</c> is tried while zfs says "dataset is busy".</summary>
    public const int MaxDestroyAttempts = 8;

    private readonly ZfsCommands _zfs = new(backend);
    private ZfsDialect? _dialect;

    internal ZfsCommands Commands => _zfs;

    internal string BackendName => backend.Name;

    public async Task<IReadOnlyDictionary<string, string>?> GetDatasetPropertiesAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetProperties(dataset, properties), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            // Both zfs-fuse and OpenZFS say "cannot open 'X': dataset does not exist"; anything else is a real failure.
            if (result.ExitCode == 1 && result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal))
            {
                return null;
            }

            throw Failed(result, $"Reading properties of {dataset}");
        }

        var datasets = Parse(result, dataset);
        return datasets.TryGetValue(dataset, out var values) ? values : new Dictionary<string, string>();
    }

    public async Task CreateDatasetAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.CreateDataset(dataset, properties), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Creating dataset {dataset}");
        }
    }

    public async Task<PoolCapacity> GetPoolCapacityAsync(string pool, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetPoolCapacity(pool), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Reading the capacity of pool {pool}");
        }

        if (Parse(result, pool).TryGetValue(pool, out var values)
            && values.TryGetValue("available", out var available) && long.TryParse(available, NumberStyles.None, CultureInfo.InvariantCulture, out var availableBytes)
            && values.TryGetValue("used", out var used) && long.TryParse(used, NumberStyles.None, CultureInfo.InvariantCulture, out var usedBytes))
        {
            return new PoolCapacity(pool, availableBytes, usedBytes);
        }

        throw Unreadable(result, $"the capacity of pool {pool}");
    }

    public async Task SetPropertiesAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(properties);

        // Every argv is built (and so validated) before the first one runs: a bad value changes nothing.
        var commands = properties.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, Argv: _zfs.SetProperty(dataset, p.Key, p.Value))).ToList();
        foreach (var (property, argv) in commands)
        {
            var result = await RunAsync(argv, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw Failed(result, $"Setting {property}={properties[property]} on {dataset}");
            }
        }
    }

    public async Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct)
    {
        var destroy = _zfs.DestroyDataset(dataset);

        // Unmounting first spares most "dataset is busy" answers; "not currently mounted" (or any other refusal)
        // is left for destroy to judge, except an absent dataset, which is done.
        var unmount = await RunAsync(_zfs.Unmount(dataset), readOnly: false, ct).ConfigureAwait(false);
        if (unmount.ExitCode != 0 && IsAbsent(unmount))
        {
            return false;
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await RunAsync(destroy, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return true;
            }

            if (IsAbsent(result))
            {
                // Gone between two attempts: it existed when this call began.
                return attempt > 1;
            }

            if (result.Stderr.Contains("has children", StringComparison.Ordinal))
            {
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Dataset {dataset} on backend '{backend.Name}' still has snapshots or datasets below it ({Dependents(result)}), " +
                    "so it was not destroyed: delete its snapshots (and any share cloned from them) first.",
                    result.Record);
            }

            if (!await BusyRetryAsync(result, attempt, ct).ConfigureAwait(false))
            {
                throw Failed(result, $"Destroying dataset {dataset}" + (attempt > 1 ? $" (tried {attempt} times)" : ""));
            }
        }
    }

    public async Task CreateSnapshotAsync(string snapshot, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.CreateSnapshot(snapshot), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Creating snapshot {snapshot}");
        }
    }

    public async Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct)
    {
        var destroy = _zfs.DestroySnapshot(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var result = await RunAsync(destroy, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return true;
            }

            // zfs-fuse: "cannot open 'ds@x': dataset does not exist"; OpenZFS 2.x: "could not find any snapshots to destroy".
            if (IsAbsent(result) || result.Stderr.Contains("could not find any snapshots", StringComparison.Ordinal))
            {
                return attempt > 1;
            }

            if (result.Stderr.Contains("has dependent clones", StringComparison.Ordinal))
            {
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Snapshot {snapshot} on backend '{backend.Name}' was not destroyed: the dataset {Dependents(result)} " +
                    "was cloned from it and depends on it. Delete that share first (or copy it instead of cloning).",
                    result.Record);
            }

            if (!await BusyRetryAsync(result, attempt, ct).ConfigureAwait(false))
            {
                throw Failed(result, $"Destroying snapshot {snapshot}" + (attempt > 1 ? $" (tried {attempt} times)" : ""));
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetPropertiesRecursive(dataset, properties), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (result.ExitCode == 1 && IsAbsent(result))
            {
                return null;
            }

            throw Failed(result, $"Listing the snapshots of {dataset}");
        }

        // -r also lists datasets below (none for a share) and, on OpenZFS, bookmarks (DATASET#name).
        var prefix = dataset + "@";
        return Parse(result, $"the snapshots of {dataset}")
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// <c>zfs send SNAP | zfs receive NEW</c> in one command, then <c>zfs destroy NEW@SNAPNAME</c> (receive brings the
    /// snapshot along; the copy must be independent and deletable), then the properties. If the pipeline fails, zfs
    /// has made nothing; if a later step fails, the new dataset is destroyed again (best effort) before the error is thrown.
    /// </summary>
    public async Task CopyFromSnapshotAsync(
        string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var send = _zfs.Send(snapshot);
        var receive = _zfs.Receive(newDataset);
        var received = $"{newDataset}@{snapshot[(snapshot.IndexOf('@', StringComparison.Ordinal) + 1)..]}";
        _ = properties.Select(p => _zfs.SetProperty(newDataset, p.Key, p.Value)).ToList();

        var result = await RunPipelineAsync(send, receive, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Copying snapshot {snapshot} into {newDataset}");
        }

        try
        {
            if (!await DestroySnapshotAsync(received, ct).ConfigureAwait(false))
            {
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Copying snapshot {snapshot} into {newDataset} on backend '{backend.Name}' reported success, but the received " +
                    $"snapshot {received} is not there: the copy cannot be trusted and was removed. Try again.");
            }

            await SetPropertiesAsync(newDataset, properties, ct).ConfigureAwait(false);
        }
        catch (StorageHostException)
        {
            await RemoveFailedCopyAsync(newDataset, received).ConfigureAwait(false);
            throw;
        }
    }

    public async Task CloneSnapshotAsync(
        string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.Clone(snapshot, newDataset, properties), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Cloning snapshot {snapshot} into {newDataset}");
        }
    }

    public Task ApplyExportsAsync(NfsExport exports, CancellationToken ct)
    {
        NfsExportOptions.Validate(exports);
        return backend.NfsHelper switch
        {
            "exportfs" => new ExportfsHelper(this).ApplyAsync(exports, ct),
            "sharenfs" => new SharenfsHelper(this).ApplyAsync(exports, ct),
            _ => throw new StorageHostException(StorageFailure.NotSupported,
                $"Backend '{backend.Name}' names the NFS helper '{backend.NfsHelper}', which the portal does not know: use 'exportfs' or 'sharenfs'."),
        };
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

    private async Task<bool> BusyRetryAsync(HostCommandResult result, int attempt, CancellationToken ct)
    {
        if (!result.Stderr.Contains("dataset is busy", StringComparison.Ordinal) || attempt >= MaxDestroyAttempts)
        {
            return false;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 500)), time, ct).ConfigureAwait(false);
        return true;
    }

    private async Task RemoveFailedCopyAsync(string newDataset, string received)
    {
        // Best effort, and not cancellable: the error that brought us here is the one to report; each try is recorded.
        try
        {
            await DestroySnapshotAsync(received, CancellationToken.None).ConfigureAwait(false);
            await DestroyDatasetAsync(newDataset, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageHostException)
        {
        }
    }

    private static bool IsAbsent(HostCommandResult result) => result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal);

    // zfs lists what stands in the way after "use '-r' (or '-R') to destroy the following datasets:".
    private static string Dependents(HostCommandResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = lines.SkipWhile(l => !l.StartsWith("use '-", StringComparison.Ordinal)).Skip(1).ToList();
        return list.Count == 0 ? "see the host" : string.Join(", ", list);
    }

    /// <summary>
    /// Runs one argv on the host. A read-only command is retried once on a fresh connection when the
    /// kept-open one turns out to have dropped (host restart, idle firewall); a change is never retried
    /// blindly, since it may have run before the connection went.
    /// </summary>
    internal Task<HostCommandResult> RunAsync(IReadOnlyList<string> argv, bool readOnly, CancellationToken ct) =>
        RunAsync(argv, ShellQuote.Join(argv), readOnly, ct);

    /// <summary>
    /// Runs <c>FIRST | SECOND</c> as one command on the host (<see cref="ShellQuote.Pipeline"/>: non-zero when either
    /// side fails), recorded as one command whose argv is FIRST, <c>|</c>, SECOND. Never retried.
    /// </summary>
    internal Task<HostCommandResult> RunPipelineAsync(IReadOnlyList<string> first, IReadOnlyList<string> second, CancellationToken ct) =>
        RunAsync([.. first, PipeWord, .. second], ShellQuote.Pipeline(first, second), readOnly: false, ct);

    private async Task<HostCommandResult> RunAsync(IReadOnlyList<string> argv, string commandLine, bool readOnly, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var lease = await pool.LeaseAsync(backend, ct).ConfigureAwait(false);
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            HostCommandRecord Record(int exitCode, string stderr)
            {
                var record = new HostCommandRecord(backend.Name, argv, exitCode, time.GetElapsedTime(started), Trim(stderr), startedAt);
                log.Add(record);
                return record;
            }

            using var command = lease.Client.CreateCommand(commandLine);
            command.CommandTimeout = TimeSpan.FromSeconds(backend.CommandTimeoutSeconds);
            try
            {
                await command.ExecuteAsync(ct).ConfigureAwait(false);
            }
            catch (SshOperationTimeoutException ex)
            {
                var record = Record(-1, $"timed out after {backend.CommandTimeoutSeconds} s. {SafeError(command)}");
                throw new StorageHostException(StorageFailure.Timeout,
                    $"`{Describe(argv)}` on backend '{backend.Name}' did not finish within {backend.CommandTimeoutSeconds} s. " +
                    "The host may be overloaded or a pool may be hung; check the host, or raise CommandTimeoutSeconds if it is just slow.",
                    record, ex);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Record(-1, $"cancelled by the portal before it finished. {SafeError(command)}");
                throw;
            }
            catch (Exception ex) when (ex is SshConnectionException or SocketException or ObjectDisposedException or IOException)
            {
                lease.MarkBroken(ex.Message);
                var record = Record(-1, $"connection lost: {ex.Message}");
                if (readOnly && attempt == 1)
                {
                    continue;
                }

                throw new StorageHostException(StorageFailure.Unreachable,
                    $"The connection to backend '{backend.Name}' dropped while running `{Describe(argv)}` ({ex.Message.TrimEnd('.')}). " +
                    "The portal reconnects on the next attempt; if this repeats, check the host and the network to it.",
                    record, ex);
            }

            var stderr = command.Error;
            if (command.ExitStatus is not { } exitCode)
            {
                exitCode = -1;
                stderr = $"killed by signal {command.ExitSignal ?? "(unknown)"}. {stderr}";
            }

            var done = Record(exitCode, stderr);
            return new HostCommandResult(exitCode, command.Result, done.Stderr, done);
        }
    }

    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Parse(HostCommandResult result, string what)
    {
        try
        {
            return ZfsGetParser.Parse(result.Stdout);
        }
        catch (FormatException ex)
        {
            throw Unreadable(result, what, ex);
        }
    }

    internal StorageHostException Failed(HostCommandResult result, string what)
    {
        var stderr = result.Stderr.Length > 0 ? result.Stderr.TrimEnd('.') : "(no error output)";
        return new StorageHostException(StorageFailure.CommandFailed,
            $"{what} on backend '{backend.Name}' failed (exit {result.ExitCode}): {stderr}." +
            CommandFailureHints.For(result.ExitCode, result.Stderr, backend, result.Record.Argv),
            result.Record);
    }

    private StorageHostException Unreadable(HostCommandResult result, string what, Exception? inner = null) =>
        new(StorageFailure.CommandFailed,
            $"Backend '{backend.Name}' answered `{Describe(result.Record.Argv)}` with output the portal cannot read for {what}: " +
            $"'{Trim(result.Stdout)}'. The host's zfs may speak a dialect the portal does not know.",
            result.Record, inner);

    // The sudo prefix says nothing to a reader; the zfs part is what ran. A pipeline reads as "zfs send … | zfs receive …".
    private static string Describe(IReadOnlyList<string> argv)
    {
        var pipe = argv.ToList().IndexOf(PipeWord);
        if (pipe > 0)
        {
            return $"{Describe(argv.Take(pipe).ToList())} | {Describe(argv.Skip(pipe + 1).ToList())}";
        }

        return ShellQuote.Join(argv.Count > 2 ? argv.Skip(2).ToList() : argv);
    }

    private static string SafeError(Renci.SshNet.SshCommand command)
    {
        try
        {
            return command.Error;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            return "";
        }
    }

    private static string Trim(string text)
    {
        text = text.Trim();
        return text.Length <= MaxStderrChars ? text : string.Concat(text.AsSpan(0, MaxStderrChars), "… (truncated)");
    }
}
