using System.Globalization;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

// Revert: rollback to the latest snapshot, refused like zfs when a newer one exists; what was written since it.
public sealed partial class FakeStorageHost
{
    private readonly Dictionary<string, long> _writtenSince = new(StringComparer.Ordinal);
    private readonly List<string> _rolledBack = [];
    private long _lastTxg;

    /// <summary>Snapshots rolled back to, in order.</summary>
    public IReadOnlyList<string> RolledBack
    {
        get
        {
            lock (_gate)
            {
                return [.. _rolledBack];
            }
        }
    }

    /// <summary>Says that <paramref name="bytes"/> were written to the dataset since <paramref name="snapshot"/>.</summary>
    public void SetWrittenSince(string snapshot, long bytes)
    {
        lock (_gate)
        {
            _writtenSince[snapshot] = bytes;
        }
    }

    private Task<bool> RollbackAsync(BackendOptions backend, IHostCommandLog? log, string snapshot, CancellationToken ct) =>
        RunAsync(backend, log, new ZfsCommands(backend).Rollback(snapshot), () =>
        {
            if (!_snapshots.TryGetValue(snapshot, out var target))
            {
                return Outcome<bool>.Fail($"cannot open '{snapshot}': dataset does not exist");
            }

            var prefix = snapshot[..(snapshot.IndexOf('@', StringComparison.Ordinal) + 1)];
            var newer = _snapshots.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal) && Txg(s.Value) > Txg(target)).Select(s => s.Key).ToList();
            if (newer.Count > 0)
            {
                return Outcome<bool>.Fail($"cannot rollback to '{snapshot}': more recent snapshots exist\n" +
                                         $"use '-r' to force deletion of the following snapshots:\n{string.Join('\n', newer)}");
            }

            _writtenSince.Remove(snapshot);
            _rolledBack.Add(snapshot);
            return Outcome<bool>.Ok(true);
        }, ct);

    private Task<long?> GetWrittenSinceAsync(BackendOptions backend, IHostCommandLog? log, string snapshot, CancellationToken ct) =>
        RunAsync(backend, log, new ZfsCommands(backend).GetWrittenSince(snapshot), () => _snapshots.ContainsKey(snapshot)
            ? Outcome<long?>.Ok(_writtenSince.GetValueOrDefault(snapshot))
            : new Outcome<long?>(1, $"cannot open '{snapshot}': dataset does not exist", null, IsError: false), ct);

    private static long Txg(Dictionary<string, string> snapshot) => long.Parse(snapshot["createtxg"], CultureInfo.InvariantCulture);
}
