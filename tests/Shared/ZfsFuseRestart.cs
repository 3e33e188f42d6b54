using System.Diagnostics;
using System.Globalization;

namespace ZfsPortal.Testing;

/// <summary>
/// A restart of the machine's one zfs-fuse, as a bare restart of the service does it: SIGTERM (the daemon unmounts every dataset
/// and exits), then the same command line again, which imports the pools from its cache file with every dataset unmounted. The
/// kernel's export table and /etc/exports.d are left as they were. Every pool, and every dataset mounted before, is put back by
/// <see cref="RestoreAsync"/> and at the latest by <see cref="DisposeAsync"/>, even when whatever ran in between failed:
/// other people's tests use the same daemon.
/// </summary>
internal sealed class ZfsFuseRestart : IAsyncDisposable
{
    private const string Zfs = "/usr/sbin/zfs", Zpool = "/usr/sbin/zpool";
    private readonly IReadOnlyList<string> _pools;
    private readonly IReadOnlyList<string> _mounted;

    private ZfsFuseRestart(IReadOnlyList<string> pools, IReadOnlyList<string> mounted) => (_pools, _mounted) = (pools, mounted);

    /// <summary>When zfs answered again after the start: "the backend is up again" as far as the host goes.</summary>
    public DateTime AnsweringAt { get; private set; }

    /// <summary>How long the daemon took to stop and to answer again.</summary>
    public TimeSpan Down { get; private set; }

    /// <summary>Stops and starts zfs-fuse; throws (after putting back what it can) when a pool is missing afterwards.</summary>
    public static async Task<ZfsFuseRestart> RestartAsync(CancellationToken ct = default)
    {
        var pools = Lines((await RunAsync(Zpool, "list", "-H", "-o", "name")).Stdout);
        var mounted = Lines((await RunAsync(Zfs, "list", "-H", "-o", "name,mounted")).Stdout)
            .Select(l => l.Split('\t')).Where(c => c is [_, "yes"]).Select(c => c[0]).ToList();
        var pid = OnlyDaemon();
        var argv = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", ct)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var restart = new ZfsFuseRestart(pools, mounted);
        var clock = Stopwatch.StartNew();
        await RunAsync("/bin/kill", "-TERM", pid.ToString(CultureInfo.InvariantCulture));
        while (Directory.Exists($"/proc/{pid}") && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100, ct);
        if (Directory.Exists($"/proc/{pid}"))
            throw new InvalidOperationException($"zfs-fuse (pid {pid}) did not stop within 60 s of SIGTERM; it was left running.");
        await StartAsync(argv);
        restart.AnsweringAt = DateTime.UtcNow;
        restart.Down = clock.Elapsed;
        var now = Lines((await RunAsync(Zpool, "list", "-H", "-o", "name")).Stdout);
        if (pools.Except(now).ToList() is [_, ..] lost)
        {
            await restart.DisposeAsync();
            throw new InvalidOperationException($"After the restart zpool list lacks {string.Join(", ", lost)} (it listed {string.Join(", ", now)}).");
        }

        return restart;
    }

    /// <summary>
    /// Mounts again what was mounted before and is not now, parents first, except what <paramref name="leave"/> names (what a
    /// test leaves to the portal). A pool root that a dataset below it now blocks ("directory is not empty") is mounted after
    /// those are unmounted, and they are mounted again over it. Returns what it mounted.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestoreAsync(Func<string, bool>? leave = null)
    {
        var done = new List<string>();
        var now = await MountedNowAsync();
        foreach (var name in _mounted.Order(StringComparer.Ordinal).Where(n => !now.Contains(n) && leave?.Invoke(n) != true))
        {
            var result = await RunAsync(Zfs, "mount", name);
            if (result.ExitCode != 0 && result.Stderr.Contains("not empty", StringComparison.Ordinal))
            {
                var below = (await MountedNowAsync()).Where(n => n.StartsWith(name + "/", StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal).ToList();
                foreach (var child in below)
                    await RunAsync(Zfs, "unmount", child);
                result = await RunAsync(Zfs, "mount", name);
                foreach (var child in below.Order(StringComparer.Ordinal))
                    await RunAsync(Zfs, "mount", child);
            }

            if (result.ExitCode == 0)
                done.Add(name);
        }

        return done;
    }

    /// <summary>Whatever happened: every pool of before is listed and every dataset mounted before is mounted again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Lines((await RunAsync(Zpool, "list", "-H", "-o", "name")).Stdout).Count == 0)
        {
            // The daemon did not come back (a start that failed): start it as the default host's script would.
            await StartAsync(["/usr/sbin/zfs-fuse", "--no-kstat-mount", "--pidfile", "/var/lib/zfsportal-host/zfs-fuse.pid"]);
        }

        await RestoreAsync();
    }

    public static async Task<HashSet<string>> MountedNowAsync() =>
        [.. Lines((await RunAsync(Zfs, "list", "-H", "-o", "name,mounted")).Stdout).Select(l => l.Split('\t')).Where(c => c is [_, "yes"]).Select(c => c[0])];

    public IReadOnlyList<string> Pools => _pools;

    private static int OnlyDaemon()
    {
        var pids = LocalProcesses.PidsByComm("zfs-fuse");
        return pids is [var pid] ? pid
            : throw new InvalidOperationException($"Expected one zfs-fuse on this machine, found {pids.Count} ({string.Join(' ', pids)}); not restarting.");
    }

    /// <summary>
    /// The daemon's own command line, its output to the log next to its pid file. Its pid file is removed first (zfs-fuse refuses
    /// to start while one exists). The argv reaches bash as positional parameters, never as script text.
    /// </summary>
    private static async Task StartAsync(IReadOnlyList<string> argv)
    {
        var pidFile = argv.SkipWhile(a => a != "--pidfile").Skip(1).FirstOrDefault();
        if (pidFile is not null)
            File.Delete(pidFile);
        var log = pidFile is null ? "/dev/null" : Path.Combine(Path.GetDirectoryName(pidFile)!, "zfs-fuse.log");
        var started = await RunAsync("/bin/bash", ["-c", "cd / && exec \"$@\" </dev/null >>\"$LOG\" 2>&1", "zfs-fuse", .. argv], ("LOG", log));
        if (started.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} did not start (exit {started.ExitCode}); see {log}.");
        var clock = Stopwatch.StartNew();
        while ((await RunAsync(Zpool, "list", "-H", "-o", "name")).ExitCode != 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new InvalidOperationException($"zfs-fuse started but zpool list did not answer within 60 s; see {log}.");
            await Task.Delay(100);
        }
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args) => RunAsync(file, args, null);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, string[] args, (string, string)? env)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        if (env is var (key, value))
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
