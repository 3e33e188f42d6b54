using System.Globalization;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Backends;

public sealed record PlacementResult(BackendOptions Backend, string Pool, long FreeBytes);

/// <summary>Nothing fits: Manila's "No valid host", said so that a person knows what to do.</summary>
public sealed class NoValidBackendException(string message) : Exception(message);

/// <summary>
/// Manila's scheduler, small: the share type's backend (or any), enabled and not down, a pool whose usable
/// space after the reserve holds the whole size; among those, the one with the most free space. Like Manila's
/// scheduler it judges by the capacity the periodic health check reported (at most a few checks old), so a
/// create costs no extra host command; a backend without a recent reading is asked directly.
/// </summary>
public sealed class Placement(BackendCatalog backends, IStorageHostFactory hosts, IOptions<PortalOptions> options, TimeProvider time)
{
    /// <summary>How many health-check periods a pool reading stays good for placement.</summary>
    public const int ReadingValidForChecks = 3;

    public async Task<PlacementResult> PlaceAsync(int sizeGiB, string? backendName, IHostCommandLog log, CancellationToken ct)
    {
        var candidates = await backends.ListAsync(backendName, ct);
        if (candidates.Count == 0)
            throw new NoValidBackendException(backendName is null
                ? "No storage backend is configured. Ask an admin to add one."
                : $"No backend named '{backendName}' exists for this share type. Ask an admin to fix the share type or add the backend.");

        var needed = DatasetProperties.GiB(sizeGiB);
        var reserve = options.Value.CapacityReservePercent / 100.0;
        var reasons = new List<string>();
        PlacementResult? best = null;
        foreach (var backend in candidates)
        {
            var settings = backend.Settings;
            if (!backend.Enabled)
            {
                reasons.Add($"{settings.Name} is disabled");
                continue;
            }
            if (backend.Health == BackendHealth.Down)
            {
                reasons.Add($"{settings.Name} is down ({backend.HealthMessage})");
                continue;
            }
            var host = hosts.Open(settings, log);
            foreach (var pool in settings.Pools)
            {
                PoolCapacity capacity;
                if (RecentReading(backend, pool) is { } reading)
                    capacity = new PoolCapacity(pool, reading.AvailableBytes, reading.UsedBytes);
                else
                    try { capacity = await host.GetPoolCapacityAsync(pool, ct); }
                    catch (StorageHostException ex)
                    {
                        reasons.Add($"{settings.Name}/{pool} could not be read ({ex.Message.TrimEnd('.')})");
                        continue;
                    }
                var free = capacity.AvailableBytes - (long)(reserve * (capacity.AvailableBytes + capacity.UsedBytes));
                reasons.Add($"{settings.Name}/{pool} has {Gib(free)} GiB free");
                if (free >= needed && (best is null || free > best.FreeBytes))
                    best = new PlacementResult(settings, pool, free);
            }
        }
        return best ?? throw new NoValidBackendException(
            $"No storage pool can take a {sizeGiB} GiB share right now: {string.Join("; ", reasons)}. "
            + "Delete this share and request a smaller one, or ask an admin to add capacity.");
    }

    /// <summary>
    /// The pool's reading from a health check that found the backend up not long ago. A refquota reserves nothing
    /// in ZFS, so shares placed since the reading do not lower it; only data written since does, as it would a
    /// moment after a live read.
    /// </summary>
    private PoolReading? RecentReading(Backend backend, string pool)
    {
        var validFor = TimeSpan.FromSeconds(options.Value.HealthCheckSeconds * ReadingValidForChecks);
        return backend.Health == BackendHealth.Up && backend.LastCheckedAt is { } checkedAt
                                                  && time.GetUtcNow().UtcDateTime - checkedAt <= validFor
            ? backend.PoolReadings.FirstOrDefault(r => r.Pool == pool)
            : null;
    }

    private static string Gib(long bytes) =>
        Math.Max(0, bytes / (1024.0 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture);
}
