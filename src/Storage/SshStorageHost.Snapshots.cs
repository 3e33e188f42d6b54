using System.Globalization;

namespace ZfsPortal.Storage;

// Destroy, snapshots, copies and clones: the commands that meet "busy" and dependents, and say so plainly.
public sealed partial class SshStorageHost
{
    /// <summary>
    /// Unmounts, then destroys with up to <see cref="MaxDestroyAttempts"/> tries while something still holds the
    /// dataset ("dataset is busy", or "cannot unmount" when a process has files open). A destroy that is refused
    /// for good mounts the dataset again, so a share that could not be deleted stays usable.
    /// </summary>
    public async Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct)
    {
        // One unmount-and-destroy at a time per host, and it counts as a mounting command (see HostGates).
        var gates = HostGates.For(backend);
        return await HostGates.ThroughAsync(gates.Destroys, () => HostGates.ThroughAsync(gates.Mounts,
            () => DestroyDatasetOneAtATimeAsync(dataset, ct), ct), ct).ConfigureAwait(false);
    }

    private async Task<bool> DestroyDatasetOneAtATimeAsync(string dataset, CancellationToken ct)
    {
        var destroy = _zfs.DestroyDataset(dataset);

        // Unmounting first spares most "dataset is busy" answers; "not currently mounted" (or any other refusal)
        // is left for destroy to judge, except an absent dataset, which is done.
        var unmount = await RunAsync(_zfs.Unmount(dataset), readOnly: false, ct).ConfigureAwait(false);
        if (unmount.ExitCode != 0 && IsAbsent(unmount))
        {
            return false;
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await RunAsync(destroy, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return true;
            }

            if (IsAbsent(result))
            {
                // Gone between two attempts: it existed when this call began.
                return attempt > 1;
            }

            if (result.Stderr.Contains("has children", StringComparison.Ordinal))
            {
                await RemountAsync(dataset).ConfigureAwait(false);
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Dataset {dataset} on backend '{backend.Name}' still has snapshots or datasets below it ({Dependents(result)}), " +
                    "so it was not destroyed: delete its snapshots (and any share cloned from them) first.",
                    result.Record);
            }

            var busy = result.Stderr.Contains("cannot unmount", StringComparison.Ordinal) || IsBusy(result);
            if (!busy || !await RetryAfterAsync(attempt, ct).ConfigureAwait(false))
            {
                await RemountAsync(dataset).ConfigureAwait(false);
                throw Failed(result, $"Destroying dataset {dataset}" + (attempt > 1 ? $" (tried {attempt} times)" : ""));
            }
        }
    }

    public async Task CreateSnapshotAsync(string snapshot, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.CreateSnapshot(snapshot), readOnly: false, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Creating snapshot {snapshot}");
        }
    }

    public async Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct)
    {
        var destroy = _zfs.DestroySnapshot(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var result = await RunAsync(destroy, readOnly: false, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return true;
            }

            // zfs-fuse: "cannot open 'ds@x': dataset does not exist"; OpenZFS 2.x: "could not find any snapshots to destroy".
            if (IsAbsent(result) || result.Stderr.Contains("could not find any snapshots", StringComparison.Ordinal))
            {
                return attempt > 1;
            }

            if (result.Stderr.Contains("has dependent clones", StringComparison.Ordinal))
            {
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Snapshot {snapshot} on backend '{backend.Name}' was not destroyed: the dataset {Dependents(result)} " +
                    "was cloned from it and depends on it. Delete that share first (or copy it instead of cloning).",
                    result.Record);
            }

            if (!IsBusy(result) || !await RetryAfterAsync(attempt, ct).ConfigureAwait(false))
            {
                throw Failed(result, $"Destroying snapshot {snapshot}" + (attempt > 1 ? $" (tried {attempt} times)" : ""));
            }
        }
    }

    public async Task RollbackAsync(string snapshot, CancellationToken ct)
    {
        // A rollback unmounts and mounts the dataset again on zfs-fuse: a mounting command (see HostGates).
        var result = await HostGates.ThroughAsync(HostGates.For(backend).Mounts,
            () => RunAsync(_zfs.Rollback(snapshot), readOnly: false, ct), ct).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return;
        }

        // zfs-fuse and OpenZFS: "more recent snapshots exist" (OpenZFS adds "or bookmarks"), then the list after "use '-r'".
        if (result.Stderr.Contains("more recent snapshots", StringComparison.Ordinal))
        {
            throw new StorageHostException(StorageFailure.CommandFailed,
                $"Snapshot {snapshot} on backend '{backend.Name}' is not the latest: {Dependents(result)} was taken after it, so the " +
                "share was not reverted. Delete the newer snapshots first.", result.Record);
        }

        throw Failed(result, $"Rolling back to snapshot {snapshot}");
    }

    public async Task<long?> GetWrittenSinceAsync(string snapshot, CancellationToken ct)
    {
        var dataset = snapshot[..snapshot.IndexOf('@', StringComparison.Ordinal)];
        if (await ((INfsHost)this).DialectAsync(ct).ConfigureAwait(false) == ZfsDialect.ZfsFuse)
        {
            return ReadBytes(await GetDatasetPropertiesAsync(dataset, ["usedbydataset"], ct).ConfigureAwait(false), "usedbydataset");
        }

        var result = await RunAsync(_zfs.GetWrittenSince(snapshot), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (result.ExitCode == 1 && IsAbsent(result))
            {
                return null;
            }

            throw Failed(result, $"Reading what was written to {dataset} since {snapshot}");
        }

        var property = "written" + snapshot[snapshot.IndexOf('@', StringComparison.Ordinal)..];
        return ReadBytes(Parse(result, dataset).GetValueOrDefault(dataset), property)
               ?? throw Unreadable(result, $"what was written to {dataset} since {snapshot}");
    }

    private static long? ReadBytes(IReadOnlyDictionary<string, string>? values, string property) =>
        values?.GetValueOrDefault(property) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? bytes : null;

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(
        string dataset, IReadOnlyList<string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetPropertiesRecursive(dataset, properties), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            if (result.ExitCode == 1 && IsAbsent(result))
            {
                return null;
            }

            throw Failed(result, $"Listing the snapshots of {dataset}");
        }

        // -r also lists datasets below (none for a share) and, on OpenZFS, bookmarks (DATASET#name).
        var prefix = dataset + "@";
        return Parse(result, $"the snapshots of {dataset}")
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// <c>zfs send SNAP | zfs receive NEW</c> in one command, then <c>zfs destroy NEW@SNAPNAME</c> (receive brings the
    /// snapshot along; the copy must be independent and deletable), then the properties. If the pipeline fails, zfs
    /// has made nothing; if a later step fails, the new dataset is destroyed again (best effort) before the error is thrown.
    /// </summary>
    public async Task CopyFromSnapshotAsync(
        string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        // A create or clone carries them in its argv; a copy gets them with its properties after the receive.
        properties = HardenedProperties.Apply(properties, nameof(properties));
        var send = _zfs.Send(snapshot);
        var receive = _zfs.Receive(newDataset);
        var received = $"{newDataset}@{snapshot[(snapshot.IndexOf('@', StringComparison.Ordinal) + 1)..]}";
        _ = properties.Select(p => _zfs.SetProperty(newDataset, p.Key, p.Value)).ToList();

        // The receive mounts the new dataset. Through a guard, the guard runs the pipeline (see ZfsCommands.GuardedCopy).
        var guarded = _zfs.GuardedCopy(snapshot, newDataset);
        var result = await HostGates.ThroughAsync(HostGates.For(backend).Mounts,
            () => guarded is null ? RunPipelineAsync(send, receive, ct) : RunAsync(guarded, readOnly: false, ct), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Copying snapshot {snapshot} into {newDataset}");
        }

        try
        {
            if (!await DestroySnapshotAsync(received, ct).ConfigureAwait(false))
            {
                throw new StorageHostException(StorageFailure.CommandFailed,
                    $"Copying snapshot {snapshot} into {newDataset} on backend '{backend.Name}' reported success, but the received " +
                    $"snapshot {received} is not there: the copy cannot be trusted and was removed. Try again.");
            }

            await SetPropertiesAsync(newDataset, properties, ct).ConfigureAwait(false);
        }
        catch (StorageHostException)
        {
            await RemoveFailedCopyAsync(newDataset, received).ConfigureAwait(false);
            throw;
        }
    }

    public async Task CloneSnapshotAsync(
        string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var result = await HostGates.ThroughAsync(HostGates.For(backend).Mounts,
            () => RunAsync(_zfs.Clone(snapshot, newDataset, properties), readOnly: false, ct), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Cloning snapshot {snapshot} into {newDataset}");
        }
    }

    // Short, growing pauses (0.1 s … 0.5 s, 2.5 s in all): enough for zfs-fuse's "busy right after unmount" and
    // for a client to let go; a dataset held longer is reported rather than waited for.
    private async Task<bool> RetryAfterAsync(int attempt, CancellationToken ct)
    {
        if (attempt >= MaxDestroyAttempts)
        {
            return false;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 500)), time, ct).ConfigureAwait(false);
        return true;
    }

    private async Task RemountAsync(string dataset)
    {
        // Best effort and not cancellable: "already mounted" and "canmount=off" answers are fine; the try is recorded.
        try
        {
            await RunAsync(_zfs.Mount(dataset), readOnly: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageHostException)
        {
        }
    }

    private async Task RemoveFailedCopyAsync(string newDataset, string received)
    {
        // Best effort, and not cancellable: the error that brought us here is the one to report; each try is recorded.
        try
        {
            await DestroySnapshotAsync(received, CancellationToken.None).ConfigureAwait(false);
            await DestroyDatasetAsync(newDataset, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageHostException)
        {
        }
    }

    private static bool IsBusy(HostCommandResult result) => result.Stderr.Contains("dataset is busy", StringComparison.Ordinal);

    // zfs lists what stands in the way after "use '-r' (or '-R') to destroy the following datasets:".
    private static string Dependents(HostCommandResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = lines.SkipWhile(l => !l.StartsWith("use '-", StringComparison.Ordinal)).Skip(1).ToList();
        return list.Count == 0 ? "see the host" : string.Join(", ", list);
    }
}
