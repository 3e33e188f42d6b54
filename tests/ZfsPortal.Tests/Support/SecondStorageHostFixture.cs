using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

[CollectionDefinition("second-storage-host")]
public sealed class SecondStorageHostCollectionDefinition : ICollectionFixture<SecondStorageHostFixture>;

/// <summary>
/// A second, throw-away storage host made by the project's own scripts/storage-host.sh with other settings (its own
/// state dir, pool, SSH user, sshd port and sudoers drop-in), for tests that break a host on purpose: stop its sshd,
/// take its sudoers rule away. It shares the machine's one zfs-fuse daemon with the main host, which the script leaves
/// running. Brought up once per test run and taken down at the end with the same settings (that host only); the
/// fixture then checks that the second host is gone and the main host is untouched, and fails loudly otherwise.
/// </summary>
public sealed class SecondStorageHostFixture : IAsyncLifetime
{
    public const string HostDir = "/var/lib/zfsportal-host-test2";
    public const string PoolName = "zfsportal2";
    public const string User = "zfsportal2";
    public const string BackendName = "second-zfs";
    public const int Port = 2223;
    public const string PoolSize = "2G";

    /// <summary>The script names the drop-in of a user other than 'zfsportal' after the user.</summary>
    public const string SudoersFile = "/etc/sudoers.d/zfsportal-host-" + User;

    /// <summary>Where a test parks the drop-in: sudo ignores names holding a '.', and the script's `down` removes this name.</summary>
    public const string SudoersAside = "/etc/sudoers.d/.zfsportal-host-" + User + ".aside";

    private string _backendJson = "";
    private MainHostState? _mainBefore;

    public string Script { get; } = FindScript();

    /// <summary>A fresh copy of the second host's settings each time, so a test may change it.</summary>
    public BackendOptions Backend => LocalBackend.Parse(_backendJson)
                                     ?? throw new InvalidOperationException("The second host's backend file is empty.");

    public async Task InitializeAsync()
    {
        _mainBefore = await MainHostState.ReadAsync();
        if (_mainBefore.Port == Port || _mainBefore.Pool == PoolName || _mainBefore.HostDir == HostDir)
        {
            throw new InvalidOperationException(
                $"The main storage host uses the second test host's settings (port {Port}, pool {PoolName}, {HostDir}); refusing to touch it.");
        }

        var up = await RunScriptAsync("up");
        if (up.ExitCode != 0)
        {
            var down = await RunScriptAsync("down");
            throw new InvalidOperationException(
                $"`storage-host.sh up` of the second test host failed (exit {up.ExitCode}):\n{up.Output}\n" +
                $"`down` afterwards exited {down.ExitCode}:\n{down.Output}");
        }

        _backendJson = await File.ReadAllTextAsync(Path.Combine(HostDir, "backend.json"));
    }

    public async Task DisposeAsync()
    {
        var failures = new List<string>();
        if (File.Exists(SudoersAside) && !File.Exists(SudoersFile))
        {
            File.Move(SudoersAside, SudoersFile);
        }

        var down = await RunScriptAsync("down");
        if (down.ExitCode != 0)
        {
            failures.Add($"`storage-host.sh down` of the second test host failed (exit {down.ExitCode}):\n{down.Output}");
        }

        // The second host is gone...
        if ((await StorageHostFixture.RunLocalAsync("/usr/sbin/zpool", "list", "-H", "-o", "name", PoolName)).ExitCode == 0)
        {
            failures.Add($"pool {PoolName} is still imported");
        }

        if (Directory.Exists(HostDir))
        {
            failures.Add($"{HostDir} still exists");
        }

        if (File.Exists(SudoersFile) || File.Exists(SudoersAside))
        {
            failures.Add($"{SudoersFile} (or its parked copy) still exists");
        }

        if ((await StorageHostFixture.RunLocalAsync("/usr/bin/getent", "passwd", User)).ExitCode == 0)
        {
            failures.Add($"user {User} still exists");
        }

        if (await PortOpenAsync(Port))
        {
            failures.Add($"127.0.0.1:{Port} still accepts connections");
        }

        // ...and the main host is as it was: same sshd and zfs-fuse processes, its pool ONLINE, its port answering.
        var after = await MainHostState.ReadAsync();
        if (_mainBefore is { } before && before.Describe() != after.Describe())
        {
            failures.Add($"the main storage host changed: before {before.Describe()}; after {after.Describe()}");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("Taking the second test host down went wrong: " + string.Join("; ", failures));
        }
    }

    /// <summary>`storage-host.sh up` with the second host's settings (restarts its sshd if a test stopped it).</summary>
    public async Task UpAsync()
    {
        var up = await RunScriptAsync("up");
        if (up.ExitCode != 0)
        {
            throw new InvalidOperationException($"`storage-host.sh up` of the second test host failed (exit {up.ExitCode}):\n{up.Output}");
        }
    }

    /// <summary>
    /// Stops the second host's sshd as a crash or an admin would: the listener named in its pid file and the
    /// per-connection processes under it (so kept-open connections drop too), by pid, then waits for the port to close.
    /// </summary>
    public async Task StopSshdAsync()
    {
        var pidFile = Path.Combine(HostDir, "sshd.pid");
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        var cmdline = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');
        if (!cmdline.Contains(Path.Combine(HostDir, "sshd_config"), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pid {pid} from {pidFile} is not the second host's sshd ({cmdline}); not killing it.");
        }

        var sessions = ChildPids(pid);
        foreach (var child in sessions)
        {
            Signal(child);
        }

        Signal(pid);
        var until = DateTime.UtcNow.AddSeconds(15);
        while ((Directory.Exists($"/proc/{pid}") || sessions.Any(c => Directory.Exists($"/proc/{c}")) || await PortOpenAsync(Port))
               && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        if (await PortOpenAsync(Port))
        {
            throw new InvalidOperationException($"The second host's sshd (pid {pid}) did not stop within 15 s.");
        }
    }

    /// <summary>Parks the sudoers drop-in where sudo ignores it; disposing puts it back.</summary>
    public IDisposable SudoersMovedAside()
    {
        File.Move(SudoersFile, SudoersAside);
        return new Restore(() =>
        {
            if (File.Exists(SudoersAside))
            {
                File.Move(SudoersAside, SudoersFile, overwrite: true);
            }
        });
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private static void Signal(int pid)
    {
        using var kill = Process.Start("/bin/kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static List<int> ChildPids(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var ppid = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (ppid is not null && int.Parse(ppid[5..].Trim(), CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    public static async Task<bool> PortOpenAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(int ExitCode, string Output)> RunScriptAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(command);
        start.Environment["ZFSPORTAL_HOST_DIR"] = HostDir;
        start.Environment["ZFSPORTAL_POOL"] = PoolName;
        start.Environment["ZFSPORTAL_SSH_USER"] = User;
        start.Environment["ZFSPORTAL_SSH_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ZFSPORTAL_BACKEND_NAME"] = BackendName;
        start.Environment["ZFSPORTAL_POOL_SIZE"] = PoolSize;
        start.Environment.Remove("ZFSPORTAL_COMPRESSION");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stderr) + (await stdout));
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "storage-host.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException($"scripts/storage-host.sh not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>What must not change on the main host while the second one comes and goes.</summary>
    private sealed record MainHostState(string HostDir, string Pool, int Port, string SshdPid, string ZfsFusePids, string PoolHealth, bool PortOpen)
    {
        public static async Task<MainHostState> ReadAsync()
        {
            var file = Environment.GetEnvironmentVariable("ZFSPORTAL_BACKEND_FILE") is { Length: > 0 } overridden
                ? overridden
                : StorageHostFixture.DefaultBackendFile;
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"The main storage host is not up ({file} is missing): run `bash scripts/storage-host.sh up`.");
            }

            var backend = LocalBackend.Parse(await File.ReadAllTextAsync(file))!;
            var dir = Path.GetDirectoryName(file)!;
            var sshdPid = File.Exists(Path.Combine(dir, "sshd.pid")) ? (await File.ReadAllTextAsync(Path.Combine(dir, "sshd.pid"))).Trim() : "none";
            var health = await StorageHostFixture.RunLocalAsync("/usr/sbin/zpool", "list", "-H", "-o", "health", backend.Pools[0]);
            return new MainHostState(dir, backend.Pools[0], backend.Port, sshdPid, ReadZfsFusePids(),
                health.ExitCode == 0 ? health.Stdout.Trim() : $"missing ({health.Stderr.Trim()})", await PortOpenAsync(backend.Port));
        }

        public string Describe() =>
            $"pool {Pool} {PoolHealth}, sshd pid {SshdPid} (port {Port} {(PortOpen ? "open" : "closed")}), zfs-fuse pid {ZfsFusePids}";

        private static string ReadZfsFusePids() => string.Join(',', Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(d, "comm")).Trim() == "zfs-fuse";
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal));
    }
}
