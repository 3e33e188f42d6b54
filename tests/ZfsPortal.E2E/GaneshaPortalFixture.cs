using System.Globalization;
using ZfsPortal.Tests.Support;

// Two portal fixtures (the default host's and the Ganesha host's) must not run their browser tests at once on a 2-core machine:
// their timing assumptions are made for one portal at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ZfsPortal.E2E;

[CollectionDefinition(Name)]
public sealed class GaneshaPortalGroup : ICollectionFixture<GaneshaPortalFixture>
{
    public const string Name = "Portal in a browser, Ganesha host";
}

/// <summary>
/// A portal like <see cref="PortalFixture"/>'s, against a throw-away storage host of its own whose NFS helper is ganesha:
/// scripts/storage-host.sh brings up NFS-Ganesha in a network namespace (server <see cref="ServerIp"/> on a bridge there) and
/// `down` at the end removes the host, its pool and every client namespace named after it. Its names and port differ from the
/// unit tests' Ganesha host (tests/ZfsPortal.Tests/Support/GaneshaHostFixture.cs: zfsgan, 2242, zfspgan), so that the projects'
/// fixtures never meet, whichever runs first. Clients (<see cref="NfsClient"/>) are real libnfs clients in namespaces of their own.
/// </summary>
public sealed class GaneshaPortalFixture() : PortalFixture(Path.Combine(HostDir, "backend.json"))
{
    public const string HostDir = "/var/lib/zfsportal-host-e2eg";
    public const string User = "zfsp-e2eg";
    public const int SshPort = 2243;

    /// <summary>What the script names the server's namespace; client namespaces start with it, so `down` removes them too.</summary>
    public const string ServerNetns = "zfsp-nfs-" + User;

    /// <summary>The script's server address inside its namespace (198.18.0.0/15 exists nowhere else here).</summary>
    public const string ServerIp = "198.18.0.1";

    // The settings `up` and `down` both need (the variables nobody here sets are cleared, as the unit tests' fixture does).
    private static readonly (string Name, string? Value)[] HostSettings =
    [
        ("ZFSPORTAL_COMPRESSION", null), ("ZFSPORTAL_GUARD_PREFIXES", null),
        ("ZFSPORTAL_NFS_HELPER", "ganesha"), ("ZFSPORTAL_HOST_DIR", HostDir), ("ZFSPORTAL_SSH_USER", User),
        ("ZFSPORTAL_SSH_PORT", SshPort.ToString(CultureInfo.InvariantCulture)), ("ZFSPORTAL_POOL", "zfspe2eg"),
        ("ZFSPORTAL_POOL_SIZE", "4G"), ("ZFSPORTAL_BACKEND_NAME", "e2eg-zfs"),
    ];

    private int _clients;

    /// <summary>A client namespace with <paramref name="address"/> (198.18.0.x) on the server's bridge; dispose removes it.</summary>
    public Task<NfsClient> ClientAsync(string address) =>
        NfsClient.CreateAsync($"{ServerNetns}-c{Interlocked.Increment(ref _clients).ToString(CultureInfo.InvariantCulture)}", ServerNetns, address, ServerIp);

    protected override async Task BeforeStartAsync()
    {
        var up = await StorageHostScriptAsync("up");
        if (up.ExitCode == 0)
            return;
        var down = await StorageHostScriptAsync("down");
        throw new InvalidOperationException(
            $"`storage-host.sh up` of the E2E Ganesha host {HostDir} failed (exit {up.ExitCode}):\n{up.Output}\n`down` afterwards exited {down.ExitCode}:\n{down.Output}");
    }

    protected override async Task<string?> AfterStopAsync()
    {
        var down = await StorageHostScriptAsync("down");
        return down.ExitCode == 0 && !Directory.Exists(HostDir)
            ? null
            : $"`storage-host.sh down` of {HostDir} failed (exit {down.ExitCode}) or left the directory:\n{down.Output}";
    }

    private static async Task<(int ExitCode, string Output)> StorageHostScriptAsync(string command)
    {
        var r = await HostZfs.RunAsync("/bin/bash", HostSettings, TimeSpan.FromMinutes(5), FindScript(), command);
        return (r.ExitCode, r.StdErr + r.StdOut);
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "storage-host.sh")))
                return Path.Combine(dir.FullName, "scripts", "storage-host.sh");
        throw new InvalidOperationException($"scripts/storage-host.sh not found above {AppContext.BaseDirectory}.");
    }
}
