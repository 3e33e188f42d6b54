using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support;

[CollectionDefinition("guarded-storage-host")]
public sealed class GuardedStorageHostCollectionDefinition : ICollectionFixture<GuardedStorageHostFixture>;

/// <summary>
/// A throw-away host of its own for the guard's tests, which try forbidden commands on it (`zpool destroy` of its pool
/// among them): were the guard to let one through, only this host would suffer. Read back as root with the local tools.
/// </summary>
public sealed class GuardedStorageHostFixture() : ScriptedStorageHostFixture(new(HostDir, PoolName, User, Port, BackendName, PoolSize))
{
    public const string HostDir = "/var/lib/zfsportal-host-guard";
    public const string PoolName = "zfsportalg";
    public const string User = "zfsportalg";
    public const string BackendName = "guarded-zfs";
    public const int Port = 2224;
    public const string PoolSize = "12G"; // sparse: room for the seed walk-through's two 5 GiB shares, should the real-host tests run against it

    public SshConnectionPool Connections { get; } = new();

    public SshStorageHost Open(IHostCommandLog log, BackendOptions? backend = null) => new(backend ?? Backend, Connections, log, TimeProvider.System);

    /// <summary>A unique name below the portal's prefix in this host's pool; `down` destroys the pool with it.</summary>
    public string NewDatasetName() => $"{PoolName}/{Backend.DatasetPrefix}{Guid.NewGuid():N}";

    /// <summary>Local <c>zfs get -H -p -o name,property,value</c>, as root; null when the dataset does not exist.</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> ZfsGetAsync(string dataset, params string[] properties)
    {
        var result = await StorageHostFixture.RunLocalAsync("/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", string.Join(',', properties), dataset);
        return result.ExitCode == 0 ? ZfsGetParser.Parse(result.Stdout)[dataset]
            : result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal) ? null
            : throw new InvalidOperationException($"Local zfs get failed: {result.Stderr}");
    }

    public static async Task<string> ExportfsAsync() => (await StorageHostFixture.RunLocalAsync("/usr/sbin/exportfs", "-v")).Stdout;

    // `down` removes the exports below the pool and destroys it with everything the tests made.
    protected override void BeforeDown() => Connections.Dispose();
}
