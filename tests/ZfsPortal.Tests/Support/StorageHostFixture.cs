using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

[CollectionDefinition("storage-host")]
public sealed class StorageHostCollectionDefinition : ICollectionFixture<StorageHostFixture>;

/// <summary>
/// The real local storage host (zfs-fuse + a private sshd, set up by scripts/storage-host.sh). Loads its
/// backend settings, shares one connection pool, and reads the host back by running zfs and exportfs
/// locally as root, independently of the code under test. Datasets made through
/// <see cref="NewDatasetName"/> are destroyed at the end. A missing host fails every test; it never skips.
/// </summary>
public sealed class StorageHostFixture : IAsyncLifetime
{
    public const string DefaultBackendFile = "/var/lib/zfsportal-host/backend.json";
    public const string TestDatasetPrefix = "zfsportal_test_";

    private readonly string _backendJson;
    private readonly ConcurrentStack<string> _created = new();

    // The storage host is this machine, so its own binaries read it back, as root and without SSH.
    private readonly string _zfs;
    private readonly string _exportfs;

    public StorageHostFixture()
    {
        var file = Environment.GetEnvironmentVariable("ZFSPORTAL_BACKEND_FILE") is { Length: > 0 } overridden ? overridden : DefaultBackendFile;
        if (!File.Exists(file))
        {
            throw new InvalidOperationException(
                $"The local storage host is not up: run `bash scripts/storage-host.sh up` ({file} is missing).");
        }

        _backendJson = File.ReadAllText(file);
        var backend = Backend;
        if (backend.Pools.Count == 0 || string.IsNullOrEmpty(backend.HostKeySha256))
        {
            throw new InvalidOperationException(
                $"{file} has no pool or no host key; the local storage host is not up: run `bash scripts/storage-host.sh up`.");
        }

        Pool = backend.Pools[0];
        _zfs = backend.ZfsPath;
        _exportfs = backend.ExportfsPath;
        Connections = new SshConnectionPool();
    }

    /// <summary>
    /// The default host's pool, from its backend file, without bringing the fixture up ("zfsportal" when the file is not
    /// there): a real pool on this machine that another host's guard must keep it from.
    /// </summary>
    public static string MainPool() =>
        File.Exists(DefaultBackendFile) && LocalBackend.Parse(File.ReadAllText(DefaultBackendFile)) is { Pools: [var pool, ..] } ? pool : "zfsportal";

    /// <summary>A fresh copy of the host's settings each time, so a test may change it (e.g. the pin).</summary>
    public BackendOptions Backend => LocalBackend.Parse(_backendJson)
                                     ?? throw new InvalidOperationException("The backend file is empty.");

    public string Pool { get; }

    public SshConnectionPool Connections { get; }

    public IStorageHost Open(IHostCommandLog log, BackendOptions? backend = null) =>
        new SshStorageHostFactory(Connections, TimeProvider.System).Open(backend ?? Backend, log);

    /// <summary>The concrete host, for tests of what only it does (running any argv, the pool).</summary>
    public SshStorageHost OpenSsh(IHostCommandLog log, BackendOptions? backend = null) =>
        new(backend ?? Backend, Connections, log, TimeProvider.System);

    /// <summary>A unique dataset name in the pool, destroyed when the tests end.</summary>
    public string NewDatasetName()
    {
        var name = $"{Pool}/{TestDatasetPrefix}{Guid.NewGuid():N}";
        _created.Push(name);
        return name;
    }

    /// <summary>Local <c>zfs get -H -p -o name,property,value</c>; null when the dataset does not exist.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> ZfsGetAsync(string dataset, params string[] properties)
    {
        var result = await RunLocalAsync(_zfs, "get", "-H", "-p", "-o", "name,property,value", string.Join(',', properties), dataset);
        if (result.ExitCode != 0)
        {
            return result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal)
                ? null
                : throw new InvalidOperationException($"Local zfs get failed: {result.Stderr}");
        }

        return ZfsGetParser.Parse(result.Stdout)[dataset];
    }

    /// <summary>Local <c>exportfs -v</c>: the export table as the NFS server sees it.</summary>
    public async Task<string> ExportfsAsync()
    {
        var result = await RunLocalAsync(_exportfs, "-v");
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"exportfs -v failed: {result.Stderr}");
    }

    /// <summary>Local <c>zfs list -H -o name -t snapshot -r</c>: the snapshots of a dataset (and of any below it).</summary>
    public async Task<IReadOnlyList<string>> ZfsSnapshotsAsync(string dataset)
    {
        var result = await RunLocalAsync(_zfs, "list", "-H", "-o", "name", "-t", "snapshot", "-r", dataset);
        return result.ExitCode == 0
            ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidOperationException($"Local zfs list of snapshots failed: {result.Stderr}");
    }

    /// <summary>
    /// The entries of exactly <paramref name="path"/> in local <c>exportfs -v</c>, as (client as listed, options),
    /// read with a parser of its own (wrapped long paths, padded short ones) rather than the one under test.
    /// </summary>
    public async Task<IReadOnlyList<(string Client, string Options)>> ExportsOfAsync(string path) =>
        [.. ParseExports(await ExportfsAsync()).Where(e => e.Path == path).Select(e => (e.Client, e.Options))];

    /// <summary>Local <c>exportfs -o OPTIONS CLIENT:PATH</c>, e.g. an entry made by hand that the portal must replace.</summary>
    public async Task ExportLocallyAsync(string client, string path, string options)
    {
        var result = await RunLocalAsync(_exportfs, "-o", options, $"{client}:{path}");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Local exportfs -o failed: {result.Stderr}");
        }
    }

    /// <summary>Local <c>exportfs -u</c> of every entry of every path the tests made (under the pool's test prefix).</summary>
    public async Task UnexportTestPathsAsync()
    {
        var prefix = $"/{Pool}/{TestDatasetPrefix}";
        foreach (var (path, client, _) in ParseExports(await ExportfsAsync()).Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var spelled = client == "<world>" ? "*" : client.Contains(':', StringComparison.Ordinal) ? $"[{client}]" : client;
            await RunLocalAsync(_exportfs, "-u", $"{spelled}:{path}");
        }
    }

    /// <summary>The lines of the host's exports file (read as root, without the guard); none when the backend keeps none or it is not written yet.</summary>
    public IReadOnlyList<ExportfsEntry> ReadExportsFile()
    {
        var file = Backend.ExportsFile;
        return file.Length == 0 || !File.Exists(file) ? [] : ExportsFileLines.Parse(File.ReadAllText(file));
    }

    /// <summary>Takes the test paths (under the pool's test prefix) out of the host's exports file, through the guard as root.</summary>
    public async Task ForgetTestExportsAsync()
    {
        var b = Backend;
        var prefix = $"/{Pool}/{TestDatasetPrefix}";
        foreach (var path in ReadExportsFile().Select(e => e.Path).Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Distinct())
        {
            await RunLocalAsync(b.GuardPath, b.ExportsFile, "set", path);
        }
    }

    /// <summary>Writes a file into a dataset through its mount point (a real FUSE mount; the tests run as root).</summary>
    public static async Task WriteFileAsync(string dataset, string name, byte[] content) =>
        await File.WriteAllBytesAsync(Path.Combine("/" + dataset, name), content);

    private static List<(string Path, string Client, string Options)> ParseExports(string output)
    {
        var entries = new List<(string, string, string)>();
        var path = "";
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (!char.IsWhiteSpace(line[0]))
            {
                path = words[0];
                words = words[1..];
            }

            if (words.Length == 1 && words[0].IndexOf('(', StringComparison.Ordinal) is > 0 and var open)
            {
                entries.Add((path, words[0][..open], words[0][(open + 1)..^1]));
            }
        }

        return entries;
    }

    /// <summary>Destroys a dataset and its snapshots, retrying while zfs says it is busy.</summary>
    /// <summary>
    /// zfs-fuse counts new blocks in <c>used</c> and <c>written</c> only when their transaction group commits, which a pool may
    /// put off for tens of seconds; a snapshot of a throw-away dataset commits the pool's open group at once.
    /// </summary>
    public async Task CommitOpenTransactionGroupAsync()
    {
        var nudge = NewDatasetName();
        await RunLocalAsync(_zfs, "create", nudge);
        await RunLocalAsync(_zfs, "snapshot", $"{nudge}@commit");
        await DestroyDatasetAsync(nudge);
    }

    public async Task DestroyDatasetAsync(string dataset)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Unmount on every attempt: a portal still winding down (its reconciler mounts what it finds unmounted) or
            // zfs-fuse itself may have mounted it again since the last try, and a mounted dataset is what stays busy.
            await RunLocalAsync(_zfs, "unmount", dataset);
            var result = await RunLocalAsync(_zfs, "destroy", "-r", dataset);
            if (result.ExitCode == 0 || result.Stderr.Contains("dataset does not exist", StringComparison.Ordinal))
            {
                return;
            }

            if (!result.Stderr.Contains("busy", StringComparison.Ordinal) || attempt == 10)
            {
                throw new InvalidOperationException($"Could not destroy {dataset}: {result.Stderr}");
            }

            await Task.Delay(100 * attempt);
        }
    }

    /// <summary>
    /// <see cref="DestroyDatasetAsync"/>, tried again for a few seconds more: on a loaded machine zfs-fuse keeps a dataset busy
    /// longer than its own retries wait. Still fails (loudly) when the dataset stays busy.
    /// </summary>
    public async Task DestroyDatasetPatientlyAsync(string dataset)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                await DestroyDatasetAsync(dataset);
                return;
            }
            catch (InvalidOperationException) when (round < 5)
            {
                await Task.Delay(1000 * round);
            }
        }
    }

    public static async Task<LocalResult> RunLocalAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new LocalResult(process.ExitCode, await stdout, await stderr);
    }

    public async Task InitializeAsync()
    {
        if (await ZfsGetAsync(Pool, "available") is null)
        {
            throw new InvalidOperationException(
                $"The pool '{Pool}' does not exist locally; the local storage host is not up: run `bash scripts/storage-host.sh up`.");
        }
    }

    public async Task DisposeAsync()
    {
        Connections.Dispose();
        await UnexportTestPathsAsync();
        await ForgetTestExportsAsync();
        var failures = new List<string>();

        // Newest first: a clone goes before the dataset whose snapshot it pins.
        foreach (var dataset in _created)
        {
            try
            {
                await DestroyDatasetAsync(dataset);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("Test datasets were left behind: " + string.Join("; ", failures));
        }
    }

    public sealed record LocalResult(int ExitCode, string Stdout, string Stderr);
}
