using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

public sealed partial class SshBackendProbe
{
    public async Task<PreflightReport> PreflightAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var started = time.GetTimestamp();
        var run = new PreflightRun(backend);
        try
        {
            await RunAsync(run, ct).ConfigureAwait(false);
        }
        catch (PreflightAborted aborted)
        {
            run.Add(PreflightRules.Failed(aborted.Step, backend, aborted.Detail, aborted.Fix));
            run.SkipRest(aborted.Step);
        }

        return run.Report(time.GetElapsedTime(started));
    }

    private async Task RunAsync(PreflightRun run, CancellationToken ct)
    {
        var b = run.Backend;

        // 1-3: one fresh connection, whose handshake tells how far it got.
        if (PreflightRules.UnusableAddress(b) is { } unusable)
        {
            run.Add(unusable);
            run.SkipRest(PreflightStep.Reachable);
            return;
        }

        var (key, keyProblem) = LoadKey(b);
        using var connection = await ProbeConnection.OpenAsync(b, key, ct).ConfigureAwait(false);
        if (!run.AddOrStop(PreflightRules.Reachable(b, connection.Identification, connection.Error, connection.TimedOut))
            || !run.AddOrStop(PreflightRules.HostKey(b, connection.Presented, connection.HostKeyMatchesPin, connection.Error, connection.TimedOut))
            || !run.AddOrStop(keyProblem is { } problem
                ? PreflightRules.Failed(PreflightStep.Authenticated, b, problem.Detail, problem.Fix)
                : PreflightRules.Authenticated(b, connection.Error, connection.TimedOut)))
        {
            return;
        }

        // 4-7: the three commands the portal needs, each with a harmless argument.
        var commands = new ZfsCommands(b);
        var answers = new Dictionary<PreflightStep, CommandAnswer>
        {
            [PreflightStep.Zfs] = await RunAsync(run, connection.Client, commands.Version(), PreflightStep.Sudo, ct).ConfigureAwait(false),
            [PreflightStep.Zpool] = await RunAsync(run, connection.Client, commands.ListPools(), PreflightStep.Sudo, ct).ConfigureAwait(false),
            [PreflightStep.Exportfs] = await RunAsync(run, connection.Client, commands.ListExports(), PreflightStep.Sudo, ct).ConfigureAwait(false),
        };
        var sudo = run.Add(PreflightRules.Sudo(b, answers));
        var zfs = run.Add(PreflightRules.Found(PreflightStep.Zfs, b, answers[PreflightStep.Zfs]));
        var zpool = run.Add(PreflightRules.Found(PreflightStep.Zpool, b, answers[PreflightStep.Zpool]));
        var exportfs = run.Add(PreflightRules.Found(PreflightStep.Exportfs, b, answers[PreflightStep.Exportfs]));

        // 10 before 8 and 9 are added: the NFS helper's detail names the dialect's sharenfs syntax.
        ZfsDialect? dialect = null;
        if (zfs.Outcome == CheckOutcome.Passed)
        {
            (var check, dialect) = PreflightRules.Dialect(b, answers[PreflightStep.Zfs]);
            run.Add(check);
            run.Dialect = PreflightRules.OptionName(dialect);
        }
        else
        {
            run.Add(PreflightRules.Skipped(PreflightStep.Dialect, b, run.BecauseOf(zfs)));
        }

        // 8: every configured pool in one command.
        IReadOnlyList<PoolCapacity> found = [];
        if (zfs.Outcome != CheckOutcome.Passed)
        {
            run.Add(PreflightRules.Skipped(PreflightStep.Pools, b, run.BecauseOf(zfs)));
        }
        else
        {
            IReadOnlyList<string>? argv = null;
            try
            {
                argv = commands.GetPoolsCapacity(b.Pools);
            }
            catch (ArgumentException ex)
            {
                run.Add(PreflightRules.Failed(PreflightStep.Pools, b, $"The backend's pool list cannot be checked: {ex.Message}",
                    "List the host's pools in the backend settings (Pools: plain pool names such as 'tank')."));
            }

            if (argv is not null)
            {
                var hostPools = zpool.Outcome == CheckOutcome.Passed ? PreflightRules.Lines(answers[PreflightStep.Zpool].Stdout) : null;
                (var check, found) = PreflightRules.Pools(b, await RunAsync(run, connection.Client, argv, PreflightStep.Pools, ct).ConfigureAwait(false), hostPools);
                run.Add(check);
            }
        }

        // 9: the kernel helpers read the export table back (sharenfs also reads the property of a pool that is there);
        // ganesha asks its own program whether the daemon answers.
        var sharenfs = string.Equals(b.NfsHelper, "sharenfs", StringComparison.Ordinal);
        if (string.Equals(b.NfsHelper, GaneshaHelper.Name, StringComparison.Ordinal))
        {
            // Its own program and sudoers rule: the exportfs answer says nothing about it.
            run.Add(PreflightRules.Ganesha(b, await RunAsync(run, connection.Client, commands.GaneshaCheck(), PreflightStep.NfsHelper, ct).ConfigureAwait(false)));
        }
        else if (exportfs.Outcome != CheckOutcome.Passed)
        {
            run.Add(PreflightRules.Skipped(PreflightStep.NfsHelper, b, run.BecauseOf(exportfs)));
        }
        else if (sharenfs && zfs.Outcome != CheckOutcome.Passed)
        {
            run.Add(PreflightRules.Skipped(PreflightStep.NfsHelper, b, run.BecauseOf(zfs)));
        }
        else
        {
            var pool = sharenfs && found.Count > 0 ? found[0].Pool : null;
            var property = pool is null
                ? null
                : await RunAsync(run, connection.Client, commands.GetProperties(pool, ["sharenfs"]), PreflightStep.NfsHelper, ct).ConfigureAwait(false);
            var exportsFile = !sharenfs && commands.KeepsExportsFile
                ? await RunAsync(run, connection.Client, commands.ShowExportsFile(), PreflightStep.NfsHelper, ct).ConfigureAwait(false)
                : null;
            run.Add(PreflightRules.NfsHelper(b, answers[PreflightStep.Exportfs], property, pool, dialect, exportsFile));
        }

        // 11: the guard, by two dry commands through it (a refused destroy of a pool no host has, an admitted read).
        if (string.IsNullOrEmpty(b.GuardPath))
        {
            run.Add(PreflightRules.Guard(b, null, null));
        }
        else if (sudo.Outcome != CheckOutcome.Passed)
        {
            run.Add(PreflightRules.Skipped(PreflightStep.Guard, b, run.BecauseOf(sudo)));
        }
        else
        {
            var forbidden = await RunAsync(run, connection.Client, commands.GuardProbe(), PreflightStep.Guard, ct).ConfigureAwait(false);
            IReadOnlyList<string>? read = null;
            try
            {
                read = b.Pools.Count > 0 ? commands.GetProperties($"{b.Pools[0]}/{b.DatasetPrefix}{HostGuard.ProbeDatasetSuffix}", ["name"]) : null;
            }
            catch (ArgumentException)
            {
                // A pool list the Pools check already reports as unusable.
            }

            var allowed = read is null ? null : await RunAsync(run, connection.Client, read, PreflightStep.Guard, ct).ConfigureAwait(false);
            run.Add(PreflightRules.Guard(b, forbidden, allowed));
        }
    }

    private static (PrivateKeyFile? Key, (string Detail, string Fix)? Problem) LoadKey(BackendOptions b)
    {
        if (string.IsNullOrWhiteSpace(b.PrivateKeyPath))
        {
            return (null, PreflightRules.KeyFileProblem(b, null));
        }

        try
        {
            return (new PrivateKeyFile(b.PrivateKeyPath), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException or FormatException
                                       or InvalidOperationException or NotSupportedException)
        {
            return (null, PreflightRules.KeyFileProblem(b, ex));
        }
    }

    /// <summary>Runs one argv on the preflight's own connection and records it; a lost connection or a time-out aborts <paramref name="step"/>.</summary>
    private async Task<CommandAnswer> RunAsync(PreflightRun run, SshClient client, IReadOnlyList<string> argv, PreflightStep step, CancellationToken ct)
    {
        var b = run.Backend;
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        void Record(int exitCode, string stderr) =>
            run.Commands.Add(new HostCommandRecord(b.Name, argv, exitCode, time.GetElapsedTime(started), Trim(stderr), startedAt));

        var shown = ShellQuote.Join(new ZfsCommands(b).Shown(argv));
        using var command = client.CreateCommand(ShellQuote.Join(argv));
        command.CommandTimeout = TimeSpan.FromSeconds(b.CommandTimeoutSeconds);
        try
        {
            await command.ExecuteAsync(ct).ConfigureAwait(false);
        }
        catch (SshOperationTimeoutException)
        {
            Record(-1, $"timed out after {b.CommandTimeoutSeconds} s");
            throw new PreflightAborted(step, $"`{shown}` did not finish within {b.CommandTimeoutSeconds} s.",
                "The host may be overloaded or a pool may be hung: check the host, then run the preflight again.");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Record(-1, "cancelled by the portal before it finished");
            throw;
        }
        catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException or IOException)
        {
            Record(-1, $"connection lost: {ex.Message}");
            throw new PreflightAborted(step, $"The connection to the host dropped while running `{shown}` ({ex.Message.TrimEnd('.')}).",
                "Check the host and its sshd log, then run the preflight again.");
        }

        var stderr = command.Error;
        if (command.ExitStatus is not { } exitCode)
        {
            exitCode = -1;
            stderr = $"killed by signal {command.ExitSignal ?? "(unknown)"}. {stderr}";
        }

        Record(exitCode, stderr);
        return new CommandAnswer(argv, exitCode, command.Result, Trim(stderr));
    }

    private static string Trim(string text)
    {
        text = text.Trim();
        return text.Length <= SshStorageHost.MaxStderrChars ? text : string.Concat(text.AsSpan(0, SshStorageHost.MaxStderrChars), "… (truncated)");
    }

    /// <summary>A command of the preflight could not finish (connection lost, time-out): the step fails, the rest is skipped.</summary>
    private sealed class PreflightAborted(PreflightStep step, string detail, string fix) : Exception(detail)
    {
        public PreflightStep Step { get; } = step;
        public string Detail { get; } = detail;
        public string Fix { get; } = fix;
    }

    /// <summary>The checks and commands of one preflight as they come in; the report lists every step in order.</summary>
    private sealed class PreflightRun(BackendOptions backend)
    {
        private readonly Dictionary<PreflightStep, PreflightCheck> _checks = [];

        public BackendOptions Backend { get; } = backend;

        public List<HostCommandRecord> Commands { get; } = [];

        public string? Dialect { get; set; }

        public PreflightCheck Add(PreflightCheck check)
        {
            _checks.TryAdd(check.Step, check);
            return _checks[check.Step];
        }

        /// <summary>Adds the check; when it failed, skips every later step and answers false.</summary>
        public bool AddOrStop(PreflightCheck check)
        {
            Add(check);
            if (check.Outcome == CheckOutcome.Passed)
            {
                return true;
            }

            SkipRest(check.Step);
            return false;
        }

        public void SkipRest(PreflightStep failed)
        {
            foreach (var step in Enum.GetValues<PreflightStep>())
            {
                Add(PreflightRules.Skipped(step, Backend, PreflightRules.Because(failed, Backend)));
            }
        }

        /// <summary>Why a check that needs <paramref name="check"/> is skipped: it failed, or it was itself skipped because sudo refused.</summary>
        public string BecauseOf(PreflightCheck check) =>
            PreflightRules.Because(check.Outcome == CheckOutcome.Skipped ? PreflightStep.Sudo : check.Step, Backend);

        public PreflightReport Report(TimeSpan took)
        {
            foreach (var step in Enum.GetValues<PreflightStep>())
            {
                Add(PreflightRules.Skipped(step, Backend, "Not checked.")); // only if a path above left a step out
            }

            return new PreflightReport([.. _checks.Values.OrderBy(c => c.Step)], Dialect) { Commands = [.. Commands], Took = took };
        }
    }
}
