using System.Diagnostics;
using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

internal sealed record RemoteResult(int ExitCode, string Stdout, string Stderr, TimeSpan Took)
{
    public bool Busy => Stderr.Contains("dataset is busy", StringComparison.Ordinal) || Stderr.Contains("cannot unmount", StringComparison.Ordinal);
    public bool Absent => Stderr.Contains("does not exist", StringComparison.Ordinal);
}

/// <summary>The storage host stopped answering: the run stops (no later phase could measure anything).</summary>
internal sealed class HostHungException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Host commands straight over the project's own <see cref="SshConnectionPool"/> (kept-open SSH.NET clients,
/// TCP_NODELAY), built with its <see cref="ZfsCommands"/> and <see cref="ShellQuote"/>: the same argv the portal
/// sends, with nothing of the portal around it.
/// </summary>
internal sealed class Remote(BackendOptions backend, SshConnectionPool pool)
{
    public BackendOptions Backend { get; } = backend;
    public ZfsCommands Zfs { get; } = new(backend);
    public SshConnectionPool Pool { get; } = pool;

    public string PoolName => Backend.Pools[0];

    public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, CancellationToken ct) => RunLineAsync(ShellQuote.Join(argv), ct);

    /// <summary>Far above any command's normal time (tens of ms); past it the host is taken to be hung.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(45);

    public async Task<RemoteResult> RunLineAsync(string commandLine, CancellationToken ct)
    {
        using var lease = await Pool.LeaseAsync(Backend, ct);
        using var command = lease.Client.CreateCommand(commandLine);
        command.CommandTimeout = CommandTimeout;
        var clock = Stopwatch.StartNew();
        try
        {
            await command.ExecuteAsync(ct);
        }
        catch (Renci.SshNet.Common.SshOperationTimeoutException ex)
        {
            throw new HostHungException($"`{commandLine}` did not finish within {CommandTimeout.TotalSeconds} s: the storage host "
                                        + "(zfs-fuse) looks hung. Check `timeout 10 zpool list` on the host.", ex);
        }
        return new RemoteResult(command.ExitStatus ?? -1, command.Result, command.Error, clock.Elapsed);
    }

    /// <summary>Runs and insists on exit 0.</summary>
    public async Task<RemoteResult> MustAsync(IReadOnlyList<string> argv, CancellationToken ct)
    {
        var r = await RunAsync(argv, ct);
        return r.ExitCode == 0 ? r : throw new InvalidOperationException($"`{ShellQuote.Join(argv)}` failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
    }

    /// <summary>
    /// The floor of a delete: <c>zfs unmount</c>, then <c>zfs destroy</c>, again at once while zfs-fuse says busy.
    /// Returns how many destroys it took.
    /// </summary>
    public async Task<int> UnmountAndDestroyAsync(string dataset, CancellationToken ct)
    {
        var unmount = await RunAsync(Zfs.Unmount(dataset), ct);
        if (unmount.ExitCode != 0 && unmount.Absent)
            return 0;
        var destroy = Zfs.DestroyDataset(dataset);
        for (var attempt = 1; ; attempt++)
        {
            var r = await RunAsync(destroy, ct);
            if (r.ExitCode == 0 || r.Absent)
                return attempt;
            if (!r.Busy || attempt >= 50)
                throw new InvalidOperationException($"Destroying {dataset} failed after {attempt} tries (exit {r.ExitCode}): {r.Stderr.Trim()}");
            if (attempt > 10)
                await Task.Delay(20, ct);
        }
    }

    /// <summary>Mount point of a dataset from <c>zfs get -H -p -o name,property,value mountpoint</c>.</summary>
    public async Task<string> MountpointAsync(string dataset, CancellationToken ct)
    {
        var r = await MustAsync(Zfs.GetProperties(dataset, ["mountpoint"]), ct);
        return ParseValue(r.Stdout, "mountpoint");
    }

    public static string ParseValue(string stdout, string property)
    {
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cols = line.Split('\t');
            if (cols.Length == 3 && cols[1] == property)
                return cols[2];
        }
        throw new FormatException($"No {property} in '{stdout.Trim()}'.");
    }
}
