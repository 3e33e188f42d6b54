using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Drills;

/// <summary>
/// The drills' own storage host, made by scripts/storage-host.sh with settings no one else uses (state dir, pool,
/// SSH user, sshd port), so stopping its sshd or filling its pool disturbs nobody. It shares the machine's one
/// zfs-fuse daemon, which the script leaves running. Taken down at the end with the same settings (this host only).
/// </summary>
internal sealed class DrillHost
{
    // Each can be set from the environment (ZFSPORTAL_DRILL_HOST_DIR, _USER, _PORT, _POOL, _BACKEND), so that a
    // second drill host can run while the first is in use; docs/reliability.md lists them.
    public static readonly string HostDir = Setting("HOST_DIR", "/var/lib/zfsportal-host-drills");
    public static readonly string Pool = Setting("POOL", "zfsportald");
    public static readonly string User = Setting("USER", "zfsdrill");
    public static readonly int Port = int.Parse(Setting("PORT", "2231"), NumberStyles.None, CultureInfo.InvariantCulture);
    public static readonly string BackendName = Setting("BACKEND", "drill-zfs");

    /// <summary>Small, so that the pool-full drill fills it quickly; room for the kill drill's 1 GiB shares.</summary>
    public const string PoolSize = "1536M";

    /// <summary>
    /// ZFSPORTAL_DRILL_HOST_REUSE=1: a drill host that is already up is used as it is, and left up at the end (whoever
    /// set it takes it down). For when `storage-host.sh` cannot run: it waits for the machine-wide lock, which another
    /// host's daemons can hold for hours. The sshd drill still restarts sshd with `up`.
    /// </summary>
    private static readonly bool Reuse = Environment.GetEnvironmentVariable("ZFSPORTAL_DRILL_HOST_REUSE") == "1";

    private static string Setting(string name, string fallback) =>
        Environment.GetEnvironmentVariable($"ZFSPORTAL_DRILL_{name}") is { Length: > 0 } value ? value : fallback;

    public BackendOptions Backend { get; private set; } = new();

    public async Task UpAsync(TextWriter log)
    {
        var main = LocalBackend.Read(LocalBackend.DefaultPath());
        if (main.Port == Port || main.Pools.Contains(Pool))
            throw new InvalidOperationException($"The main storage host uses the drill host's port {Port} or pool {Pool}; refusing to touch it.");
        var json = Path.Combine(HostDir, "backend.json");
        if (Reuse)
        {
            if (!File.Exists(json) || !await LocalProcesses.PortOpenAsync(Port))
                throw new InvalidOperationException($"ZFSPORTAL_DRILL_HOST_REUSE=1, but the drill host is not up ({json}, sshd on port {Port}).");
            await log.WriteLineAsync("drill host: already up, used as it is (ZFSPORTAL_DRILL_HOST_REUSE=1); it is left up at the end");
        }
        else
        {
            var up = await ScriptAsync("up");
            if (up.ExitCode != 0)
                throw new InvalidOperationException($"`storage-host.sh up` of the drill host failed (exit {up.ExitCode}):\n{up.Output}");
        }
        Backend = LocalBackend.Read(json);
        await log.WriteLineAsync($"drill host: pool {Pool} ({PoolSize}), sshd 127.0.0.1:{Port}, user {User}, {HostDir}");
    }

    public static async Task DownAsync(TextWriter log)
    {
        if (Reuse)
        {
            await log.WriteLineAsync("drill host: left up (ZFSPORTAL_DRILL_HOST_REUSE=1)");
            return;
        }
        var down = await ScriptAsync("down");
        await log.WriteLineAsync(down.ExitCode == 0 ? "drill host: down" : $"drill host: `down` failed (exit {down.ExitCode}):\n{down.Output}");
    }

    /// <summary>Stops this host's sshd as a crash would: its sessions and the listener, by the pid in its own pid file.</summary>
    public static async Task StopSshdAsync()
    {
        var pidFile = Path.Combine(HostDir, "sshd.pid");
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        var cmdline = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');
        if (!cmdline.Contains(Path.Combine(HostDir, "sshd_config"), StringComparison.Ordinal))
            throw new InvalidOperationException($"pid {pid} from {pidFile} is not the drill host's sshd ({cmdline}); not killing it.");
        var sessions = LocalProcesses.ChildPids(pid);
        foreach (var child in sessions)
            Proc.Signal(child, "TERM");
        Proc.Signal(pid, "TERM");
        var until = DateTime.UtcNow.AddSeconds(15);
        while ((Directory.Exists($"/proc/{pid}") || await LocalProcesses.PortOpenAsync(Port)) && DateTime.UtcNow < until)
            await Task.Delay(50);
        if (await LocalProcesses.PortOpenAsync(Port))
            throw new InvalidOperationException($"The drill host's sshd (pid {pid}) did not stop within 15 s.");
    }

    /// <summary>`up` again restarts the sshd (idempotent for the rest).</summary>
    public static async Task StartSshdAsync()
    {
        var up = await ScriptAsync("up");
        if (up.ExitCode != 0)
            throw new InvalidOperationException($"`storage-host.sh up` (sshd restart) failed (exit {up.ExitCode}):\n{up.Output}");
    }

    private static async Task<(int ExitCode, string Output)> ScriptAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Path.Combine(DrillOptions.RepositoryRoot(), "scripts", "storage-host.sh"));
        start.ArgumentList.Add(command);
        start.Environment["ZFSPORTAL_HOST_DIR"] = HostDir;
        start.Environment["ZFSPORTAL_POOL"] = Pool;
        start.Environment["ZFSPORTAL_SSH_USER"] = User;
        start.Environment["ZFSPORTAL_SSH_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ZFSPORTAL_BACKEND_NAME"] = BackendName;
        start.Environment["ZFSPORTAL_POOL_SIZE"] = PoolSize;
        // The host guard admits only datasets below the prefixes it lists; every rig names its datasets zfsdrill_….
        start.Environment["ZFSPORTAL_GUARD_PREFIXES"] = "zfsportal_share_ zfsdrill_";
        start.Environment.Remove("ZFSPORTAL_COMPRESSION");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // An answer, not an exception: `down` runs in DrillMain's finally, and a throw there lost the results table.
            // The script waits for the machine-wide lock /run/lock/zfsportal-host.lock, which another host's daemons can hold.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, $"storage-host.sh {command} did not finish within 5 minutes (waiting for /run/lock/zfsportal-host.lock?); it was stopped.\n"
                        + (await stderr) + (await stdout));
        }
        return (process.ExitCode, (await stderr) + (await stdout));
    }
}

/// <summary>Processes by pid, and local commands with their output.</summary>
internal static class Proc
{
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("/bin/kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Pids whose command name (comm) is exactly this.</summary>
    public static List<int> ByName(string comm) => LocalProcesses.PidsByComm(comm);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
