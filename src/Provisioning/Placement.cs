using ZfsPortal.Storage;

namespace ZfsPortal.Provisioning;

public sealed record PlacementResult(BackendOptions Backend, string Pool, long AvailableBytes);

/// <summary>Nothing fits: Manila's "No valid host", said so that a person knows what to do.</summary>
public sealed class NoValidBackendException(string message) : Exception(message);

/// <summary>
/// Picks the backend and pool for a new share: the share type's backend (or any), a pool with room
/// for the whole size, and among those the one with the most usable space.
/// </summary>
public sealed class Placement(BackendCatalog backends, IStorageHostFactory hosts)
{
    public async Task<PlacementResult> PlaceAsync(int sizeGiB, string? backendName, IHostCommandLog log, CancellationToken ct)
    {
        var candidates = backends.All.Where(b => backendName is null || b.Name == backendName).ToList();
        if (candidates.Count == 0)
            throw new NoValidBackendException($"No backend named '{backendName}' is configured for this share type. Ask an admin to fix the share type or add the backend.");

        var needed = DatasetProperties.GiB(sizeGiB);
        var seen = new List<string>();
        PlacementResult? best = null;
        foreach (var backend in candidates)
        {
            var host = hosts.Open(backend, log);
            foreach (var pool in backend.Pools)
            {
                PoolCapacity capacity;
                try { capacity = await host.GetPoolCapacityAsync(pool, ct); }
                catch (StorageHostException ex)
                {
                    seen.Add($"{backend.Name}/{pool} could not be reached ({ex.Message})");
                    continue;
                }
                seen.Add($"{backend.Name}/{pool} has {capacity.AvailableBytes / (1024.0 * 1024 * 1024):0.#} GiB free");
                if (capacity.AvailableBytes >= needed && (best is null || capacity.AvailableBytes > best.AvailableBytes))
                    best = new PlacementResult(backend, pool, capacity.AvailableBytes);
            }
        }
        return best ?? throw new NoValidBackendException(
            $"No storage pool can take a {sizeGiB} GiB share right now: {string.Join("; ", seen)}. "
            + "Delete this share and request a smaller one, or ask an admin to add capacity.");
    }
}
