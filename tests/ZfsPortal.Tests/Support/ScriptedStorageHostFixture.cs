using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>The ZFSPORTAL_* settings of a throw-away host that scripts/storage-host.sh makes beside the main one.</summary>
public sealed record ScriptedHostSettings(string HostDir, string Pool, string User, int Port, string BackendName, string PoolSize)
{
    /// <summary>The script names the drop-in, the guard and its config of a user other than 'zfsportal' after the user.</summary>
    public string SudoersFile => "/etc/sudoers.d/zfsportal-host-" + User;

    public string GuardBin => "/usr/local/sbin/zfsportal-guard-" + User;

    public string GuardConf => $"/etc/zfsportal-guard-{User}.conf";
}

/// <summary>
/// A throw-away storage host made by the project's own scripts/storage-host.sh with other settings (its own state dir,
/// pool, SSH user, sshd port, sudoers drop-in and guard). It shares the machine's one zfs-fuse daemon with the main host,
/// which the script leaves running. Brought up once per test run and taken down at the end with the same settings (that
/// host only); the fixture then checks that the host is gone and the main host is untouched, and fails loudly otherwise.
/// </summary>
public abstract class ScriptedStorageHostFixture(ScriptedHostSettings settings) : IAsyncLifetime
{
    private string _backendJson = "";
    private MainHostState? _mainBefore;

    public ScriptedHostSettings Settings { get; } = settings;

    public string Script { get; } = FindScript();

    /// <summary>A fresh copy of the host's settings each time, so a test may change it.</summary>
    public BackendOptions Backend => LocalBackend.Parse(_backendJson)
                                     ?? throw new InvalidOperationException($"The backend file of {Settings.HostDir} is empty.");

    public async Task InitializeAsync()
    {
        _mainBefore = await MainHostState.ReadAsync();
        if (_mainBefore.Port == Settings.Port || _mainBefore.Pool == Settings.Pool || _mainBefore.HostDir == Settings.HostDir)
        {
            throw new InvalidOperationException(
                $"The main storage host uses this test host's settings (port {Settings.Port}, pool {Settings.Pool}, {Settings.HostDir}); refusing to touch it.");
        }

        var up = await RunScriptAsync("up");
        if (up.ExitCode != 0)
        {
            var down = await RunScriptAsync("down");
            throw new InvalidOperationException(
                $"`storage-host.sh up` of the test host {Settings.HostDir} failed (exit {up.ExitCode}):\n{up.Output}\n" +
                $"`down` afterwards exited {down.ExitCode}:\n{down.Output}");
        }

        _backendJson = await File.ReadAllTextAsync(Path.Combine(Settings.HostDir, "backend.json"));
    }

    public async Task DisposeAsync()
    {
        BeforeDown();
        var failures = new List<string>();
        var down = await RunScriptAsync("down");
        if (down.ExitCode != 0)
        {
            failures.Add($"`storage-host.sh down` of {Settings.HostDir} failed (exit {down.ExitCode}):\n{down.Output}");
        }

        // The host is gone...
        if ((await StorageHostFixture.RunLocalAsync("/usr/sbin/zpool", "list", "-H", "-o", "name", Settings.Pool)).ExitCode == 0)
        {
            failures.Add($"pool {Settings.Pool} is still imported");
        }

        failures.AddRange(new[] { Settings.HostDir }.Where(Directory.Exists).Select(d => $"{d} still exists"));
        failures.AddRange(new[] { Settings.SudoersFile, Settings.GuardBin, Settings.GuardConf }.Concat(LeftBehind())
            .Where(File.Exists).Select(f => $"{f} still exists"));
        if ((await StorageHostFixture.RunLocalAsync("/usr/bin/getent", "passwd", Settings.User)).ExitCode == 0)
        {
            failures.Add($"user {Settings.User} still exists");
        }

        if (await LocalProcesses.PortOpenAsync(Settings.Port))
        {
            failures.Add($"127.0.0.1:{Settings.Port} still accepts connections");
        }

        // ...and the main host is as it was: same sshd and zfs-fuse processes, its pool ONLINE, its port answering.
        var after = await MainHostState.ReadAsync();
        if (_mainBefore is { } before && before.Describe() != after.Describe())
        {
            failures.Add($"the main storage host changed: before {before.Describe()}; after {after.Describe()}");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"Taking the test host {Settings.HostDir} down went wrong: " + string.Join("; ", failures));
        }
    }

    /// <summary>`storage-host.sh up` with this host's settings (restarts its sshd if a test stopped it).</summary>
    public async Task UpAsync()
    {
        var up = await RunScriptAsync("up");
        if (up.ExitCode != 0)
        {
            throw new InvalidOperationException($"`storage-host.sh up` of {Settings.HostDir} failed (exit {up.ExitCode}):\n{up.Output}");
        }
    }

    /// <summary>Puts right what a test may have left broken, before `down` runs.</summary>
    protected virtual void BeforeDown()
    {
    }

    /// <summary>More ZFSPORTAL_* settings of this host (e.g. its NFS helper).</summary>
    protected virtual IEnumerable<(string Name, string Value)> MoreSettings() => [];

    /// <summary>Other files a subclass's tests may leave that `down` must remove.</summary>
    protected virtual IEnumerable<string> LeftBehind() => [];

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
        start.Environment["ZFSPORTAL_HOST_DIR"] = Settings.HostDir;
        start.Environment["ZFSPORTAL_POOL"] = Settings.Pool;
        start.Environment["ZFSPORTAL_SSH_USER"] = Settings.User;
        start.Environment["ZFSPORTAL_SSH_PORT"] = Settings.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ZFSPORTAL_BACKEND_NAME"] = Settings.BackendName;
        start.Environment["ZFSPORTAL_POOL_SIZE"] = Settings.PoolSize;
        start.Environment.Remove("ZFSPORTAL_COMPRESSION");
        start.Environment.Remove("ZFSPORTAL_GUARD_PREFIXES");
        start.Environment.Remove("ZFSPORTAL_NFS_HELPER");
        start.Environment.Remove("ZFSPORTAL_MANILA_USER");
        foreach (var (name, value) in MoreSettings())
        {
            start.Environment[name] = value;
        }

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

    /// <summary>What must not change on the main host while a test host comes and goes.</summary>
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
                health.ExitCode == 0 ? health.Stdout.Trim() : $"missing ({health.Stderr.Trim()})", await LocalProcesses.PortOpenAsync(backend.Port));
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
