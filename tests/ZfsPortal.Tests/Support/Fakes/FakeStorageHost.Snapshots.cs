using System.Globalization;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

// Properties, destroy, snapshots, copies and clones: each answers with zfs's own words where zfs refuses.
public sealed partial class FakeStorageHost
{
    private async Task SetPropertiesAsync(
        BackendOptions backend, IHostCommandLog? log, string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var commands = new ZfsCommands(backend);
        var argvs = properties.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, p.Value, Argv: commands.SetProperty(dataset, p.Key, p.Value))).ToList();
        foreach (var (name, value, argv) in argvs)
        {
            await RunAsync(backend, log, argv, () =>
            {
                if (!_datasets.TryGetValue(dataset, out var values))
                {
                    return Outcome<bool>.Fail($"cannot open '{dataset}': dataset does not exist");
                }

                if (name == "refquota" && Bytes(value) is > 0 and var quota && quota < Bytes(values["used"]))
                {
                    return Outcome<bool>.Fail($"cannot set property for '{dataset}': size is less than current used or reserved space");
                }

                values[name] = SizeProperties.Contains(name) ? Bytes(value).ToString(CultureInfo.InvariantCulture) : value;
                Refresh(dataset);
                return Outcome<bool>.Ok(true);
            }, ct);
        }
    }

    private async Task<bool> DestroyDatasetAsync(BackendOptions backend, IHostCommandLog? log, string dataset, CancellationToken ct)
    {
        var commands = new ZfsCommands(backend);
        var destroy = commands.DestroyDataset(dataset);
        var exists = await RunAsync(backend, log, commands.Unmount(dataset), () => _datasets.ContainsKey(dataset)
            ? Outcome<bool>.Ok(true)
            : new Outcome<bool>(1, $"cannot open '{dataset}': dataset does not exist", false, IsError: false), ct);
        if (!exists)
        {
            return false;
        }

        for (var attempt = 1; ; attempt++)
        {
            var done = await RunAsync(backend, log, destroy, () =>
            {
                if (!_datasets.TryGetValue(dataset, out var values))
                {
                    return new Outcome<bool?>(1, $"cannot open '{dataset}': dataset does not exist", attempt > 1, IsError: false);
                }

                var children = _snapshots.Keys.Where(s => s.StartsWith(dataset + "@", StringComparison.Ordinal))
                    .Concat(_datasets.Keys.Where(d => d.StartsWith(dataset + "/", StringComparison.Ordinal))).ToList();
                if (children.Count > 0)
                {
                    return Outcome<bool?>.Fail($"cannot destroy '{dataset}': filesystem has children\n" +
                                               $"use '-r' to destroy the following datasets:\n{string.Join('\n', children)}");
                }

                if (TakeBusy(dataset))
                {
                    // Busy answers stop where the real host's retries give up, so a test sees the same attempts.
                    var busy = $"cannot destroy '{dataset}': dataset is busy";
                    return attempt < SshStorageHost.MaxDestroyAttempts ? new Outcome<bool?>(1, busy, null, IsError: false) : Outcome<bool?>.Fail(busy);
                }

                var mountpoint = values["mountpoint"];
                _datasets.Remove(dataset);
                _exports.RemoveAll(e => e.Path == mountpoint);
                return Outcome<bool?>.Ok(true);
            }, ct);
            if (done is { } result)
            {
                return result;
            }
        }
    }

    private Task<bool> CreateSnapshotAsync(BackendOptions backend, IHostCommandLog? log, string snapshot, CancellationToken ct) =>
        RunAsync(backend, log, new ZfsCommands(backend).CreateSnapshot(snapshot), () =>
        {
            var dataset = snapshot[..snapshot.IndexOf('@', StringComparison.Ordinal)];
            if (!_datasets.ContainsKey(dataset))
            {
                return Outcome<bool>.Fail($"cannot open '{dataset}': dataset does not exist");
            }

            if (_snapshots.ContainsKey(snapshot))
            {
                return Outcome<bool>.Fail($"cannot create snapshot '{snapshot}': dataset already exists");
            }

            NewSnapshot(snapshot);
            return Outcome<bool>.Ok(true);
        }, ct);

    private async Task<bool> DestroySnapshotAsync(BackendOptions backend, IHostCommandLog? log, string snapshot, CancellationToken ct)
    {
        var argv = new ZfsCommands(backend).DestroySnapshot(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var done = await RunAsync(backend, log, argv, () =>
            {
                if (!_snapshots.ContainsKey(snapshot))
                {
                    return new Outcome<bool?>(1, $"cannot open '{snapshot}': dataset does not exist", attempt > 1, IsError: false);
                }

                var clones = _datasets.Where(d => d.Value.GetValueOrDefault("origin") == snapshot).Select(d => d.Key).ToList();
                if (clones.Count > 0)
                {
                    return Outcome<bool?>.Fail($"cannot destroy '{snapshot}': snapshot has dependent clones\n" +
                                               $"use '-R' to destroy the following datasets:\n{string.Join('\n', clones)}");
                }

                if (TakeBusy(snapshot))
                {
                    var busy = $"cannot destroy '{snapshot}': dataset is busy";
                    return attempt < SshStorageHost.MaxDestroyAttempts ? new Outcome<bool?>(1, busy, null, IsError: false) : Outcome<bool?>.Fail(busy);
                }

                _snapshots.Remove(snapshot);
                return Outcome<bool?>.Ok(true);
            }, ct);
            if (done is { } result)
            {
                return result;
            }
        }
    }

    private Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
        BackendOptions backend, IHostCommandLog? log, string dataset, IReadOnlyList<string> properties, CancellationToken ct) =>
        RunAsync(backend, log, new ZfsCommands(backend).GetPropertiesRecursive(dataset, properties), () =>
        {
            if (!_datasets.ContainsKey(dataset))
            {
                return new Outcome<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?>(
                    1, $"cannot open '{dataset}': dataset does not exist", null, IsError: false);
            }

            IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> result = _snapshots
                .Where(s => s.Key.StartsWith(dataset + "@", StringComparison.Ordinal))
                .ToDictionary(
                    s => s.Key,
                    s => (IReadOnlyDictionary<string, string>)properties.ToDictionary(p => p, p => s.Value.GetValueOrDefault(p, "-"), StringComparer.Ordinal),
                    StringComparer.Ordinal);
            return Outcome<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?>.Ok(result);
        }, ct);

    private async Task CopyFromSnapshotAsync(
        BackendOptions backend, IHostCommandLog? log, string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var commands = new ZfsCommands(backend);
        var received = $"{newDataset}@{snapshot[(snapshot.IndexOf('@', StringComparison.Ordinal) + 1)..]}";
        _ = properties.Select(p => commands.SetProperty(newDataset, p.Key, p.Value)).ToList();
        string[] pipeline = [.. commands.Send(snapshot), SshStorageHost.PipeWord, .. commands.Receive(newDataset)];
        await RunAsync(backend, log, pipeline, () =>
        {
            if (!_snapshots.TryGetValue(snapshot, out var source))
            {
                return Outcome<bool>.Fail($"WARNING: could not send {snapshot}: does not exist\ncannot receive: failed to read from stream");
            }

            if (_datasets.ContainsKey(newDataset))
            {
                return Outcome<bool>.Fail($"cannot receive new filesystem stream: destination '{newDataset}' exists\nmust specify -F to overwrite it");
            }

            if (!_datasets.ContainsKey(newDataset[..newDataset.LastIndexOf('/')]))
            {
                return Outcome<bool>.Fail($"cannot receive new filesystem stream: destination '{newDataset}' does not exist");
            }

            NewDataset(newDataset, new Dictionary<string, string> { ["used"] = source["referenced"], ["referenced"] = source["referenced"] });
            NewSnapshot(received);
            return Outcome<bool>.Ok(true);
        }, ct);

        await DestroySnapshotAsync(backend, log, received, ct);
        await SetPropertiesAsync(backend, log, newDataset, properties, ct);
    }

    private Task<bool> CloneSnapshotAsync(
        BackendOptions backend, IHostCommandLog? log, string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) =>
        RunAsync(backend, log, new ZfsCommands(backend).Clone(snapshot, newDataset, properties), () =>
        {
            if (!_snapshots.TryGetValue(snapshot, out var source))
            {
                return Outcome<bool>.Fail($"cannot open '{snapshot}': dataset does not exist");
            }

            if (_datasets.ContainsKey(newDataset))
            {
                return Outcome<bool>.Fail($"cannot create '{newDataset}': dataset already exists");
            }

            // A clone shares its origin's blocks: it uses almost nothing until written to.
            NewDataset(newDataset, new Dictionary<string, string>(properties) { ["origin"] = snapshot, ["referenced"] = source["referenced"] });
            return Outcome<bool>.Ok(true);
        }, ct);

    private void NewSnapshot(string snapshot)
    {
        var dataset = _datasets[snapshot[..snapshot.IndexOf('@', StringComparison.Ordinal)]];
        _snapshots[snapshot] = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = "snapshot", ["used"] = "0", ["referenced"] = dataset.GetValueOrDefault("referenced", dataset["used"]),
            ["creation"] = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["createtxg"] = (++_lastTxg).ToString(CultureInfo.InvariantCulture),
        };
    }

    private bool TakeBusy(string name)
    {
        if (!_busy.TryGetValue(name, out var left) || left <= 0)
        {
            return false;
        }

        _busy[name] = left - 1;
        return true;
    }
}
