using System.Net.Sockets;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

/// <summary>
/// <see cref="IBackendProbe"/> over SSH. The host-key fetch and the preflight open fresh connections of their own and
/// close them before returning; the health check uses the shared <see cref="SshConnectionPool"/>, so it costs one
/// command on a kept-open connection, and a connection that dropped is noticed and reopened in the same check.
/// </summary>
public sealed partial class SshBackendProbe(SshConnectionPool pool, TimeProvider time) : IBackendProbe
{
    /// <summary>The longest a health check's command may run, whatever CommandTimeoutSeconds says (a health check must stay short).</summary>
    public static readonly TimeSpan MaxHealthCommandTime = TimeSpan.FromSeconds(10);

    public async Task<PresentedHostKey> FetchHostKeyAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (PreflightRules.UnusableAddress(backend) is { } unusable)
        {
            throw new StorageHostException(StorageFailure.Unreachable, $"{unusable.Detail} {unusable.Fix}");
        }

        using var connection = await ProbeConnection.OpenAsync(backend, key: null, ct).ConfigureAwait(false);
        if (connection.Presented is { } presented)
        {
            return presented;
        }

        var check = connection.Identification is null
            ? PreflightRules.Reachable(backend, null, connection.Error, connection.TimedOut)
            : PreflightRules.HostKey(backend, null, false, connection.Error, connection.TimedOut);
        throw new StorageHostException(StorageFailure.Unreachable,
            $"Could not read the host key of backend '{backend.Name}': {check.Detail} {check.Fix}", inner: connection.Error);
    }

    public async Task<HealthReport> CheckHealthAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var started = time.GetTimestamp();
        HealthReport Down(string problem, IReadOnlyList<PoolCapacity>? pools = null) =>
            new(false, problem, pools ?? [], time.GetElapsedTime(started));

        if (PreflightRules.UnusableAddress(backend) is { } unusable)
        {
            return Down($"{unusable.Detail} {unusable.Fix}");
        }

        IReadOnlyList<string> argv;
        try
        {
            argv = new ZfsCommands(backend).GetPoolsCapacity(backend.Pools);
        }
        catch (ArgumentException ex)
        {
            return Down($"The pool list of backend '{backend.Name}' cannot be checked: {ex.Message} Correct Pools in the backend settings.");
        }

        var commandTime = TimeSpan.FromSeconds(Math.Min(backend.CommandTimeoutSeconds, MaxHealthCommandTime.TotalSeconds));
        var budget = TimeSpan.FromSeconds(backend.ConnectTimeoutSeconds) + commandTime;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(budget);
        var line = ShellQuote.Join(argv);
        var what = $"`zfs get available,used {string.Join(' ', backend.Pools)}` on backend '{backend.Name}'";
        for (var attempt = 1; ; attempt++)
        {
            SshConnectionLease lease;
            try
            {
                lease = await pool.LeaseAsync(backend, deadline.Token).ConfigureAwait(false);
            }
            catch (StorageHostException ex)
            {
                return Down(ex.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Down($"Backend '{backend.Name}' gave the portal no connection within {budget.TotalSeconds:0} s (connecting, or " +
                            "waiting for a free channel on a busy backend). Check that the host is up and sshd answers, and that no firewall " +
                            "drops the traffic.");
            }

            using (lease)
            {
                using var command = lease.Client.CreateCommand(line);
                command.CommandTimeout = commandTime;
                try
                {
                    await command.ExecuteAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SshOperationTimeoutException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    // Not marked broken: the connection may be fine and carry other commands; a hung zfs is the likelier cause.
                    return Down($"{what} did not answer within {Math.Min(commandTime.TotalSeconds, budget.TotalSeconds):0} s. " +
                                "The host may be overloaded or a pool may be hung; check the host.");
                }
                catch (Exception ex) when (ex is SshConnectionException or SocketException or ObjectDisposedException or IOException)
                {
                    // A kept-open connection that dropped (sshd restarted, host rebooted): drop it and try once more on a new one.
                    lease.MarkBroken(ex.Message);
                    if (attempt == 1)
                    {
                        continue;
                    }

                    return Down($"The connection to backend '{backend.Name}' dropped while checking it ({ex.Message.TrimEnd('.')}). " +
                                "Check the host and the network to it.");
                }
                catch (SshException ex)
                {
                    // E.g. the host refused a new channel (sshd's MaxSessions): the connection itself may be fine.
                    return Down($"{what} could not run ({ex.Message.TrimEnd('.')}). Check the host's sshd log.");
                }

                return Assess(backend, argv, command.ExitStatus, command.Result, command.Error, what, time.GetElapsedTime(started));
            }
        }
    }

    private static HealthReport Assess(
        BackendOptions backend, IReadOnlyList<string> argv, int? exitStatus, string stdout, string stderr, string what, TimeSpan took)
    {
        stderr = stderr.Trim();
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> rows;
        try
        {
            rows = ZfsGetParser.Parse(stdout);
        }
        catch (FormatException)
        {
            return new HealthReport(false,
                $"{what} printed output the portal cannot read: '{Shorten(stdout.Trim())}'. Run the preflight check of this backend.", [], took);
        }

        var pools = backend.Pools.Select(p => PreflightRules.Capacity(rows, p)).OfType<PoolCapacity>().ToList();
        if (exitStatus == 0 && pools.Count == backend.Pools.Count)
        {
            return new HealthReport(true, null, pools, took);
        }

        var missing = backend.Pools.Where(p => pools.All(f => f.Pool != p)).ToList();
        var exit = exitStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none, killed";
        var said = stderr.Length > 0 ? Shorten(stderr.TrimEnd('.')) : "no error output";

        var problem = missing.Count > 0 && pools.Count + missing.Count == backend.Pools.Count && stderr.Contains("does not exist", StringComparison.Ordinal)
            ? MissingPools(missing, backend.Name, said)
            : $"{what} failed (exit {exit}): {said}.{CommandFailureHints.For(exitStatus ?? -1, stderr, backend, argv)}";
        return new HealthReport(false, problem, pools, took);
    }

    // One whole sentence per count, so that each reads right in every language (Sentences.ja.resx).
    private static string MissingPools(List<string> missing, string backend, string said) => missing.Count == 1
        ? $"Pool {missing[0]} of backend '{backend}' is not on the host ({said}). Import or create it on the host, or correct the backend's pool list."
        : $"Pools {string.Join(", ", missing)} of backend '{backend}' are not on the host ({said}). Import or create them on the host, or correct the backend's pool list.";

    private static string Shorten(string text) =>
        text.Length <= SshStorageHost.MaxStderrChars ? text : string.Concat(text.AsSpan(0, SshStorageHost.MaxStderrChars), "… (truncated)");
}
