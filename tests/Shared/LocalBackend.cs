using System.Globalization;
using System.Text.Json;
using ZfsPortal.Storage;

namespace ZfsPortal.Testing;

/// <summary>
/// The local storage host's <c>backend.json</c> (written by <c>scripts/storage-host.sh up</c>) and the portal settings
/// it becomes. Compiled into the test projects and the benchmark, which all start a whole portal against that host.
/// </summary>
internal static class LocalBackend
{
    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Where the script writes it; it honours ZFSPORTAL_HOST_DIR.</summary>
    public static string DefaultPath() => Path.Combine(
        Environment.GetEnvironmentVariable("ZFSPORTAL_HOST_DIR") is { Length: > 0 } dir ? dir : "/var/lib/zfsportal-host", "backend.json");

    /// <summary>The backend the file describes; a missing file, or one without a pool, says to bring the host up.</summary>
    public static BackendOptions Read(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The local storage host is not set up: {path} does not exist. Run `bash scripts/storage-host.sh up` (as root) first; it writes that file.");
        var backend = Parse(File.ReadAllText(path))
                      ?? throw new InvalidOperationException($"{path} is empty; re-run `bash scripts/storage-host.sh up`.");
        if (backend.Pools.Count == 0)
            throw new InvalidOperationException($"{path} lists no pool (Pools); re-run `bash scripts/storage-host.sh up`.");
        return backend;
    }

    public static BackendOptions? Parse(string json) => JsonSerializer.Deserialize<BackendOptions>(json, CaseInsensitive);

    /// <summary>The backend as the <c>Storage:Backends:0:*</c> settings the portal binds, optionally with another dataset prefix.</summary>
    public static IEnumerable<(string Key, string Value)> Settings(BackendOptions b, string? datasetPrefix = null)
    {
        const string at = "Storage:Backends:0:";
        var inv = CultureInfo.InvariantCulture;
        yield return (at + "Name", b.Name);
        yield return (at + "Host", b.Host);
        yield return (at + "Port", b.Port.ToString(inv));
        yield return (at + "User", b.User);
        yield return (at + "PrivateKeyPath", b.PrivateKeyPath);
        yield return (at + "HostKeySha256", b.HostKeySha256);
        yield return (at + "ShareExportIp", b.ShareExportIp);
        yield return (at + "ServiceIp", b.ServiceIp);
        yield return (at + "DatasetPrefix", datasetPrefix ?? b.DatasetPrefix);
        yield return (at + "SnapshotPrefix", b.SnapshotPrefix);
        yield return (at + "NfsHelper", b.NfsHelper);
        yield return (at + "ZfsDialect", b.ZfsDialect);
        yield return (at + "SudoPath", b.SudoPath);
        yield return (at + "ZfsPath", b.ZfsPath);
        yield return (at + "ZpoolPath", b.ZpoolPath);
        yield return (at + "ExportfsPath", b.ExportfsPath);
        yield return (at + "GuardPath", b.GuardPath);
        yield return (at + "GaneshaPath", b.GaneshaPath);
        yield return (at + "ExportsFile", b.ExportsFile);
        for (var i = 0; i < b.Pools.Count; i++)
            yield return ($"{at}Pools:{i}", b.Pools[i]);
        foreach (var (k, v) in b.DatasetCreationOptions)
            yield return ($"{at}DatasetCreationOptions:{k}", v);
    }
}
