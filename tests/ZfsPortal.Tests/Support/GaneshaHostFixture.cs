using System.Collections.Concurrent;
using System.Globalization;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support;

[CollectionDefinition("ganesha-host")]
public sealed class GaneshaHostCollectionDefinition : ICollectionFixture<GaneshaHostFixture>;

/// <summary>
/// A throw-away storage host whose NFS helper is ganesha: scripts/storage-host.sh with ZFSPORTAL_NFS_HELPER=ganesha brings
/// up NFS-Ganesha, rpcbind and D-Bus in the network + mount namespace <see cref="ServerNetns"/> (server address
/// <see cref="ServerIp"/> on a bridge inside it), and `down` at the end takes all of it away. Tests plug real NFS clients
/// into that bridge (<see cref="NfsClient"/>), each in a namespace of its own.
/// </summary>
public sealed class GaneshaHostFixture() : ScriptedStorageHostFixture(new(HostDir, PoolName, User, Port, BackendName, PoolSize))
{
    public const string HostDir = "/var/lib/zfsportal-host-ganesha";
    public const string PoolName = "zfspgan";
    public const string User = "zfsgan";
    public const string BackendName = "ganesha-zfs";
    public const int Port = 2242;
    public const string PoolSize = "4G";

    /// <summary>The script's names for this host: netns zfsp-nfs-USER; client namespaces of the tests start with it.</summary>
    public const string ServerNetns = "zfsp-nfs-" + User;

    /// <summary>From 198.18.0.0/15 (benchmarking), which no network of this machine uses; it exists only in these namespaces.</summary>
    public const string ServerIp = "198.18.0.1";

    private readonly ConcurrentStack<string> _datasets = new();
    private int _clients;

    public SshConnectionPool Connections { get; } = new();

    public string ExportsDir => Path.Combine(HostDir, "ganesha", "exports.d");

    protected override IEnumerable<(string Name, string Value)> MoreSettings() => [("ZFSPORTAL_NFS_HELPER", "ganesha")];

    protected override IEnumerable<string> LeftBehind() =>
        ["/usr/local/sbin/zfsportal-ganesha-" + User, $"/etc/zfsportal-ganesha-{User}.conf", "/etc/sudoers.d/zfsportal-ganesha-" + User,
         "/run/netns/" + ServerNetns];

    protected override void BeforeDown() => Connections.Dispose();

    public IStorageHost Open(IHostCommandLog log) => new SshStorageHostFactory(Connections, TimeProvider.System).Open(Backend, log);

    /// <summary>A dataset of the test prefix with the given size, its root writable by every client user (as a tenant would make it).</summary>
    public async Task<(string Dataset, string Mountpoint)> NewShareAsync(IStorageHost host, int sizeGiB = 1)
    {
        var dataset = $"{PoolName}/{StorageHostFixture.TestDatasetPrefix}{Guid.NewGuid():N}";
        _datasets.Push(dataset);
        await host.CreateDatasetAsync(dataset, new Dictionary<string, string> { ["refquota"] = $"{sizeGiB}G" }, default);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode("/" + dataset, (UnixFileMode)0b111_111_111);
        }
        return (dataset, "/" + dataset);
    }

    /// <summary>A client namespace with <paramref name="address"/> (198.18.0.x) on the server's bridge; dispose removes it.</summary>
    public Task<NfsClient> ClientAsync(string address) =>
        NfsClient.CreateAsync($"{ServerNetns}-c{Interlocked.Increment(ref _clients).ToString(CultureInfo.InvariantCulture)}", ServerNetns, address, ServerIp);

    /// <summary>The Export_Id the host's file keeps for a path.</summary>
    public int ExportIdOf(string mountpoint)
    {
        var text = File.ReadAllText(Path.Combine(ExportsDir, mountpoint.Trim('/').Replace('/', '+') + ".conf"));
        var at = text.IndexOf("Export_Id = ", StringComparison.Ordinal);
        return int.Parse(text[(at + 12)..text.IndexOf(';', at)], CultureInfo.InvariantCulture);
    }
}
