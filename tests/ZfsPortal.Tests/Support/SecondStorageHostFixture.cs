using System.Diagnostics;
using System.Globalization;

using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

[CollectionDefinition("second-storage-host")]
public sealed class SecondStorageHostCollectionDefinition : ICollectionFixture<SecondStorageHostFixture>;

/// <summary>
/// The second throw-away storage host, for tests that break a host on purpose: stop its sshd, take its sudoers rule away.
/// </summary>
public sealed class SecondStorageHostFixture() : ScriptedStorageHostFixture(new(HostDir, PoolName, User, Port, BackendName, PoolSize))
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

    protected override void BeforeDown()
    {
        if (File.Exists(SudoersAside) && !File.Exists(SudoersFile))
        {
            File.Move(SudoersAside, SudoersFile);
        }
    }

    protected override IEnumerable<string> LeftBehind() => [SudoersAside];

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

        var sessions = LocalProcesses.ChildPids(pid);
        foreach (var child in sessions)
        {
            Signal(child);
        }

        Signal(pid);
        var until = DateTime.UtcNow.AddSeconds(15);
        while ((Directory.Exists($"/proc/{pid}") || sessions.Any(c => Directory.Exists($"/proc/{c}")) || await LocalProcesses.PortOpenAsync(Port))
               && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        if (await LocalProcesses.PortOpenAsync(Port))
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

}
