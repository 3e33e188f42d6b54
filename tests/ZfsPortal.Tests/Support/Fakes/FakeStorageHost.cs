using System.Globalization;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

/// <summary>
/// An in-memory ZFS host for fast tests of the portal's jobs. It validates names and builds argv
/// with the real <see cref="ZfsCommands"/>, answers like zfs does (null for an absent dataset,
/// "dataset already exists", "parent does not exist", "filesystem has children", "snapshot has dependent
/// clones"), and records every command like the real host, several for the calls that run several
/// (destroy: unmount + destroy; copy: the send|receive pipeline, destroy of the received snapshot, one set per
/// property; exports: exportfs -v, the planned changes, exportfs -v again). <see cref="FailNext"/> fails a call
/// at its first command, so a failed call changes nothing. As a factory it opens the same in-memory host for
/// every backend; <see cref="OpenedBackends"/> says which. Exports are kept per mount point in the helper's
/// spelling (the real <see cref="ExportfsHelper"/>/<see cref="SharenfsHelper"/> plans decide which commands run);
/// for the sharenfs helper the ZFS dialect is the backend's, "auto" answering as zfs-fuse without a probe.
/// </summary>
public sealed partial class FakeStorageHost : IStorageHost, IStorageHostFactory
{
    public const long DefaultPoolSizeBytes = 100L * 1024 * 1024 * 1024;

    /// <summary>What a fresh dataset uses (zfs-fuse reports about this much for an empty filesystem).</summary>
    public const long EmptyDatasetUsedBytes = 24_576;

    private static readonly string[] SizeProperties = ["quota", "refquota", "reservation", "refreservation"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, string>> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _snapshots = new(StringComparer.Ordinal);
    private readonly List<ExportfsEntry> _exports = [];
    private readonly Dictionary<string, int> _busy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _poolSizes = new(StringComparer.Ordinal);
    private readonly Queue<StorageHostException> _failures = new();
    private readonly List<HostCommandRecord> _commands = [];
    private readonly List<string> _openedBackends = [];
    private readonly TimeProvider _time;

    public FakeStorageHost(BackendOptions? backend = null, TimeProvider? time = null)
    {
        Backend = backend ?? new BackendOptions
        {
            Name = "fake", Host = "192.0.2.10", User = "zfsportal", PrivateKeyPath = "/nonexistent/id_ed25519",
            ShareExportIp = "192.0.2.10", Pools = ["tank"],
        };
        _time = time ?? TimeProvider.System;
        foreach (var pool in Backend.Pools)
        {
            AddPool(pool);
        }
    }

    /// <summary>The backend this host answers for when used directly (its argv use its paths).</summary>
    public BackendOptions Backend { get; }

    /// <summary>Pretend each command takes this long (zero by default).</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Every command "run" on this host, from every opened view, in order.</summary>
    public IReadOnlyList<HostCommandRecord> Commands { get { lock (_gate) { return [.. _commands]; } } }

    /// <summary>Names of the backends passed to <see cref="Open"/>, in order.</summary>
    public IReadOnlyList<string> OpenedBackends { get { lock (_gate) { return [.. _openedBackends]; } } }

    public IReadOnlyCollection<string> DatasetNames { get { lock (_gate) { return [.. _datasets.Keys]; } } }

    public bool Exists(string dataset)
    {
        lock (_gate)
        {
            return _datasets.ContainsKey(dataset);
        }
    }

    /// <summary>A copy of a dataset's properties, or null when it does not exist.</summary>
    public IReadOnlyDictionary<string, string>? Properties(string dataset)
    {
        lock (_gate)
        {
            return _datasets.TryGetValue(dataset, out var p) ? new Dictionary<string, string>(p, StringComparer.Ordinal) : null;
        }
    }

    public void AddPool(string pool, long sizeBytes = DefaultPoolSizeBytes)
    {
        lock (_gate)
        {
            _poolSizes[pool] = sizeBytes;
            _datasets[pool] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["type"] = "filesystem", ["mountpoint"] = "/" + pool, ["used"] = "0", ["quota"] = "0", ["refquota"] = "0",
            };
        }
    }

    /// <summary>Puts a dataset on the host without recording a command (test setup).</summary>
    public void AddDataset(string dataset, IReadOnlyDictionary<string, string>? properties = null)
    {
        lock (_gate)
        {
            NewDataset(dataset, properties ?? new Dictionary<string, string>());
        }
    }

    /// <summary>
    /// Changes a property of a dataset or snapshot behind the portal's back, e.g. <c>used</c> to simulate data
    /// written by clients, or a snapshot's <c>used</c> growing as its dataset changes.
    /// </summary>
    public void SetProperty(string dataset, string property, string value)
    {
        lock (_gate)
        {
            (_snapshots.TryGetValue(dataset, out var snapshot) ? snapshot : _datasets[dataset])[property] = value;
        }
    }

    /// <summary>Full names of a dataset's snapshots, in the order they were made.</summary>
    public IReadOnlyList<string> SnapshotsOf(string dataset)
    {
        lock (_gate)
        {
            return [.. _snapshots.Keys.Where(s => s.StartsWith(dataset + "@", StringComparison.Ordinal))];
        }
    }

    /// <summary>A copy of a snapshot's properties, or null when it does not exist.</summary>
    public IReadOnlyDictionary<string, string>? SnapshotProperties(string snapshot)
    {
        lock (_gate)
        {
            return _snapshots.TryGetValue(snapshot, out var p) ? new Dictionary<string, string>(p, StringComparer.Ordinal) : null;
        }
    }

    /// <summary>Puts a snapshot on the host without recording a command (test setup); its dataset must exist.</summary>
    public void AddSnapshot(string snapshot)
    {
        lock (_gate)
        {
            NewSnapshot(snapshot);
        }
    }

    /// <summary>The next <paramref name="attempts"/> destroys of the dataset (or snapshot) answer "dataset is busy".</summary>
    public void SetBusy(string dataset, int attempts)
    {
        lock (_gate)
        {
            _busy[dataset] = attempts;
        }
    }

    /// <summary>The next call (of any kind) throws <paramref name="failure"/>; queue several for several calls.</summary>
    public void FailNext(StorageHostException failure)
    {
        lock (_gate)
        {
            _failures.Enqueue(failure);
        }
    }

    public IStorageHost Open(BackendOptions backend, IHostCommandLog log)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (_gate)
        {
            _openedBackends.Add(backend.Name);
        }

        return new View(this, backend, log);
    }

    public Task<IReadOnlyDictionary<string, string>?> GetDatasetPropertiesAsync(string dataset, IReadOnlyList<string> properties, CancellationToken ct) =>
        GetDatasetPropertiesAsync(Backend, null, dataset, properties, ct);

    public Task CreateDatasetAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
        CreateDatasetAsync(Backend, null, dataset, properties, ct);

    public Task<PoolCapacity> GetPoolCapacityAsync(string pool, CancellationToken ct) =>
        GetPoolCapacityAsync(Backend, null, pool, ct);

    public Task SetPropertiesAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
        SetPropertiesAsync(Backend, null, dataset, properties, ct);

    public Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct) => DestroyDatasetAsync(Backend, null, dataset, ct);

    public Task CreateSnapshotAsync(string snapshot, CancellationToken ct) => CreateSnapshotAsync(Backend, null, snapshot, ct);

    public Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct) => DestroySnapshotAsync(Backend, null, snapshot, ct);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct) =>
        GetSnapshotsAsync(Backend, null, dataset, properties, ct);

    public Task RollbackAsync(string snapshot, CancellationToken ct) => RollbackAsync(Backend, null, snapshot, ct);

    public Task<long?> GetWrittenSinceAsync(string snapshot, CancellationToken ct) => GetWrittenSinceAsync(Backend, null, snapshot, ct);

    public Task CopyFromSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
        CopyFromSnapshotAsync(Backend, null, snapshot, newDataset, properties, ct);

    public Task CloneSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
        CloneSnapshotAsync(Backend, null, snapshot, newDataset, properties, ct);

    public Task ApplyExportsAsync(NfsExport exports, CancellationToken ct) => ApplyExportsAsync(Backend, null, exports, ct);

    public Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct) =>
        ReadExportsAsync(Backend, null, mountpoint, ct);

    private async Task<IReadOnlyDictionary<string, string>?> GetDatasetPropertiesAsync(
        BackendOptions backend, IHostCommandLog? log, string dataset, IReadOnlyList<string> properties, CancellationToken ct)
    {
        var argv = new ZfsCommands(backend).GetProperties(dataset, properties);
        return await RunAsync(backend, log, argv, () =>
        {
            if (!_datasets.TryGetValue(dataset, out var values))
            {
                // zfs exits 1 here too, but the real host turns exactly this answer into null.
                return new Outcome<IReadOnlyDictionary<string, string>?>(1, $"cannot open '{dataset}': dataset does not exist", null, IsError: false);
            }

            Refresh(dataset);
            var result = properties.ToDictionary(p => p, p => values.GetValueOrDefault(p, "-"), StringComparer.Ordinal);
            return Outcome<IReadOnlyDictionary<string, string>?>.Ok(result);
        }, ct);
    }

    private Task<bool> CreateDatasetAsync(
        BackendOptions backend, IHostCommandLog? log, string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var argv = new ZfsCommands(backend).CreateDataset(dataset, properties);
        return RunAsync(backend, log, argv, () =>
        {
            if (_datasets.ContainsKey(dataset))
            {
                return Outcome<bool>.Fail($"cannot create '{dataset}': dataset already exists");
            }

            if (!_datasets.ContainsKey(dataset[..dataset.LastIndexOf('/')]))
            {
                return Outcome<bool>.Fail($"cannot create '{dataset}': parent does not exist");
            }

            NewDataset(dataset, properties);
            return Outcome<bool>.Ok(true);
        }, ct);
    }

    private Task<PoolCapacity> GetPoolCapacityAsync(BackendOptions backend, IHostCommandLog? log, string pool, CancellationToken ct)
    {
        var argv = new ZfsCommands(backend).GetPoolCapacity(pool);
        return RunAsync(backend, log, argv, () =>
        {
            if (!_poolSizes.TryGetValue(pool, out var size))
            {
                return Outcome<PoolCapacity>.Fail($"cannot open '{pool}': dataset does not exist");
            }

            var used = _datasets.Where(d => d.Key.StartsWith(pool + "/", StringComparison.Ordinal)).Sum(d => Bytes(d.Value["used"]));
            return Outcome<PoolCapacity>.Ok(new PoolCapacity(pool, size - used, used));
        }, ct);
    }

    private async Task<T> RunAsync<T>(
        BackendOptions backend, IHostCommandLog? log, IReadOnlyList<string> argv, Func<Outcome<T>> run, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var startedAt = _time.GetUtcNow();
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, _time, ct);
        }

        StorageHostException? injected;
        Outcome<T> outcome = default;
        lock (_gate)
        {
            if (!_failures.TryDequeue(out injected))
            {
                outcome = run();
            }
        }

        if (injected is not null)
        {
            // Failures that never reach the host (unreachable, host key, auth) leave no command behind, as on the real host.
            if (injected.Failure is StorageFailure.CommandFailed or StorageFailure.Timeout)
            {
                Record(log, new HostCommandRecord(backend.Name, argv, injected.Command?.ExitCode ?? 1, Latency,
                    injected.Command?.Stderr ?? injected.Message, startedAt));
            }

            throw injected;
        }

        var record = new HostCommandRecord(backend.Name, argv, outcome.ExitCode, Latency, outcome.Stderr, startedAt);
        Record(log, record);
        if (!outcome.IsError)
        {
            return outcome.Value;
        }

        var failure = outcome.Stderr.Contains("dataset already exists", StringComparison.Ordinal)
            ? StorageFailure.AlreadyExists
            : StorageFailure.CommandFailed;
        throw new StorageHostException(failure,
            $"Command on backend '{backend.Name}' failed (exit {outcome.ExitCode}): {outcome.Stderr}", record);
    }

    private void Record(IHostCommandLog? log, HostCommandRecord record)
    {
        lock (_gate)
        {
            _commands.Add(record);
        }

        log?.Add(record);
    }

    private void NewDataset(string dataset, IReadOnlyDictionary<string, string> properties)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = "filesystem", ["mountpoint"] = "/" + dataset, ["compression"] = "off", ["quota"] = "0",
            ["refquota"] = "0", ["reservation"] = "0", ["refreservation"] = "0", ["sharenfs"] = "off", ["readonly"] = "off",
            ["used"] = EmptyDatasetUsedBytes.ToString(CultureInfo.InvariantCulture),
            ["referenced"] = EmptyDatasetUsedBytes.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in properties)
        {
            // zfs get -p prints sizes in bytes, whatever unit they were set with.
            values[name] = SizeProperties.Contains(name) ? Bytes(value).ToString(CultureInfo.InvariantCulture) : value;
        }

        _datasets[dataset] = values;
        Refresh(dataset);
    }

    // "available" follows from refquota and used, as on a real host (ignoring the pool's other tenants).
    private void Refresh(string dataset)
    {
        var values = _datasets[dataset];
        var pool = dataset.Split('/')[0];
        var poolUsed = _datasets.Where(d => d.Key.StartsWith(pool + "/", StringComparison.Ordinal)).Sum(d => Bytes(d.Value["used"]));
        var poolAvailable = _poolSizes.GetValueOrDefault(pool, DefaultPoolSizeBytes) - poolUsed;
        var used = Bytes(values.GetValueOrDefault("used", "0"));
        var refquota = Bytes(values.GetValueOrDefault("refquota", "0"));
        var available = refquota > 0 ? Math.Min(Math.Max(refquota - used, 0), poolAvailable) : poolAvailable;
        values["available"] = available.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Parses zfs sizes: bytes, or a number with K/M/G/T/P (powers of 1024); "none" is 0.</summary>
    public static long Bytes(string size)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size is "none" or "-" or "")
        {
            return 0;
        }

        var unit = char.ToUpperInvariant(size[^1]);
        var exponent = "KMGTP".IndexOf(unit, StringComparison.Ordinal) + 1;
        var number = exponent > 0 ? size[..^1] : size;
        return (long)(decimal.Parse(number, NumberStyles.Number, CultureInfo.InvariantCulture) * (decimal)Math.Pow(1024, exponent));
    }

    private readonly record struct Outcome<T>(int ExitCode, string Stderr, T Value, bool IsError)
    {
        public static Outcome<T> Ok(T value) => new(0, "", value, IsError: false);

        public static Outcome<T> Fail(string stderr) => new(1, stderr, default!, IsError: true);
    }

    private sealed class View(FakeStorageHost host, BackendOptions backend, IHostCommandLog log) : IStorageHost
    {
        public Task<IReadOnlyDictionary<string, string>?> GetDatasetPropertiesAsync(string dataset, IReadOnlyList<string> properties, CancellationToken ct) =>
            host.GetDatasetPropertiesAsync(backend, log, dataset, properties, ct);

        public Task CreateDatasetAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
            host.CreateDatasetAsync(backend, log, dataset, properties, ct);

        public Task<PoolCapacity> GetPoolCapacityAsync(string pool, CancellationToken ct) =>
            host.GetPoolCapacityAsync(backend, log, pool, ct);

        public Task SetPropertiesAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
            host.SetPropertiesAsync(backend, log, dataset, properties, ct);

        public Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct) => host.DestroyDatasetAsync(backend, log, dataset, ct);

        public Task CreateSnapshotAsync(string snapshot, CancellationToken ct) => host.CreateSnapshotAsync(backend, log, snapshot, ct);

        public Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct) => host.DestroySnapshotAsync(backend, log, snapshot, ct);

        public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
            string dataset, IReadOnlyList<string> properties, CancellationToken ct) =>
            host.GetSnapshotsAsync(backend, log, dataset, properties, ct);

        public Task RollbackAsync(string snapshot, CancellationToken ct) => host.RollbackAsync(backend, log, snapshot, ct);

        public Task<long?> GetWrittenSinceAsync(string snapshot, CancellationToken ct) => host.GetWrittenSinceAsync(backend, log, snapshot, ct);

        public Task CopyFromSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
            host.CopyFromSnapshotAsync(backend, log, snapshot, newDataset, properties, ct);

        public Task CloneSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
            host.CloneSnapshotAsync(backend, log, snapshot, newDataset, properties, ct);

        public Task ApplyExportsAsync(NfsExport exports, CancellationToken ct) => host.ApplyExportsAsync(backend, log, exports, ct);

        public Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct) =>
            host.ReadExportsAsync(backend, log, mountpoint, ct);
    }
}
