using System.Globalization;
using System.Net.Sockets;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

/// <summary>
/// A ZFS host reached over a pooled SSH connection. Each command is an argv from
/// <see cref="ZfsCommands"/>, quoted by <see cref="ShellQuote"/>, and recorded in the log the host
/// was opened with whatever its outcome (a command that never reached the host is not recorded).
/// </summary>
public sealed partial class SshStorageHost(BackendOptions backend, SshConnectionPool pool, IHostCommandLog log, TimeProvider time) : IStorageHost
{
    /// <summary>The argv word that stands for the pipe between the two halves of a recorded pipeline.</summary>
    internal const string PipeWord = "|";

    /// <summary>Longest stderr kept in a record or message; zfs errors are one line, this bounds the odd stack dump.</summary>
    public const int MaxStderrChars = 2000;

    /// <summary>How often <c>zfs destroy</c> is tried while zfs says "dataset is busy".</summary>
    public const int MaxDestroyAttempts = 8;

    private readonly ZfsCommands _zfs = new(backend);
    private ZfsDialect? _dialect;

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
        var result = await HostGates.ThroughAsync(HostGates.For(backend).Mounts,
            () => RunAsync(_zfs.CreateDataset(dataset, properties), readOnly: false, ct), ct).ConfigureAwait(false);
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

    private static bool IsAbsent(HostCommandResult result) => result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal);

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
                StorageMetrics.Record(backend, argv, exitCode, record.Duration);
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

    private StorageHostException Failed(HostCommandResult result, string what)
    {
        var stderr = result.Stderr.Length > 0 ? result.Stderr.TrimEnd('.') : "(no error output)";
        // zfs-fuse and OpenZFS alike: "cannot create 'X': dataset already exists" (create, snapshot, receive, clone).
        var failure = HostGuard.Refused(result.ExitCode, result.Stderr) ? StorageFailure.RefusedByGuard
            : result.Stderr.Contains("dataset already exists", StringComparison.Ordinal) ? StorageFailure.AlreadyExists
            : StorageFailure.CommandFailed;
        return new StorageHostException(failure,
            $"{what} on backend '{backend.Name}' failed (exit {result.ExitCode}): {stderr}." +
            CommandFailureHints.For(result.ExitCode, result.Stderr, backend, result.Record.Argv),
            result.Record);
    }

    private StorageHostException Unreadable(HostCommandResult result, string what, Exception? inner = null) =>
        new(StorageFailure.CommandFailed,
            $"Backend '{backend.Name}' answered `{Describe(result.Record.Argv)}` with output the portal cannot read for {what}: " +
            $"'{Trim(result.Stdout)}'. The host's zfs may speak a dialect the portal does not know.",
            result.Record, inner);

    // The sudo and guard prefix says nothing to a reader; the zfs part is what ran. A pipeline reads as "zfs send … | zfs receive …".
    private string Describe(IReadOnlyList<string> argv)
    {
        var pipe = argv.ToList().IndexOf(PipeWord);
        if (pipe > 0)
        {
            return $"{Describe(argv.Take(pipe).ToList())} | {Describe(argv.Skip(pipe + 1).ToList())}";
        }

        return ShellQuote.Join(_zfs.Shown(argv));
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
