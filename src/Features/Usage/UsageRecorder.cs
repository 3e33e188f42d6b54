using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Usage;

/// <summary>
/// After each health check, reads <c>used</c> and <c>refquota</c> of every share on the backends found up and keeps them
/// as usage history: one sample per share and per project in each 15-minute bucket (a later reading replaces the
/// bucket's), thinned once an hour (<see cref="UsageHistory"/>). Safe to run twice: a rerun rewrites the same buckets.
/// </summary>
public sealed class UsageRecorder(IDbContextFactory<PortalDbContext> dbFactory, IBackendProbe probe, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan ThinEvery = TimeSpan.FromHours(1);

    // One recording at a time: two at once would each add a sample to the same bucket.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private DateTime _lastThinned = DateTime.MinValue;

    public void Dispose() => _turn.Dispose();

    private sealed record ShareOnHost(Guid Id, Guid ProjectId, string Backend, string Dataset, int SizeGiB);

    public async Task RecordAsync(IReadOnlyList<BackendOptions> upBackends, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upBackends);
        await _turn.WaitAsync(ct);
        try
        {
            await RecordInTurnAsync(upBackends, ct);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task RecordInTurnAsync(IReadOnlyList<BackendOptions> upBackends, CancellationToken ct)
    {
        var names = upBackends.Select(b => b.Name).ToList();
        List<ShareOnHost> shares;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            shares = await db.Shares.AsNoTracking()
                .Where(s => s.BackendName != null && s.Dataset != null && names.Contains(s.BackendName))
                .Select(s => new ShareOnHost(s.Id, s.ProjectId, s.BackendName!, s.Dataset!, s.SizeGiB))
                .ToListAsync(ct);

        var readings = new Dictionary<Guid, DatasetUsage>();
        foreach (var backend in upBackends)
        {
            var onIt = shares.Where(s => s.Backend == backend.Name).ToList();
            if (onIt.Count == 0)
                continue;
            var read = (await probe.ReadUsageAsync(backend, [.. onIt.Select(s => s.Dataset)], ct))
                .GroupBy(u => u.Dataset, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var share in onIt)
                if (read.TryGetValue(share.Dataset, out var usage))
                    readings[share.Id] = usage;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (readings.Count > 0)
            await WriteAsync(shares, readings, now, ct);
        if (now - _lastThinned >= ThinEvery)
        {
            await ThinAsync(now, ct);
            _lastThinned = now;
        }
    }

    private async Task WriteAsync(List<ShareOnHost> shares, Dictionary<Guid, DatasetUsage> readings, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var bucket = UsageHistory.BucketStart(now, UsageHistory.Finest);
        // At most one sample per subject lies in the current bucket: the one a new reading replaces.
        var current = await db.UsageSamples.Where(u => u.At >= bucket).ToListAsync(ct);
        var slots = current.GroupBy(u => (u.Subject, u.SubjectId)).ToDictionary(g => g.Key, g => g.MaxBy(u => u.At)!);

        void Put(UsageSubject subject, Guid id, long used, long size)
        {
            if (!slots.TryGetValue((subject, id), out var sample))
                db.UsageSamples.Add(sample = new UsageSample { Subject = subject, SubjectId = id });
            (sample.At, sample.UsedBytes, sample.SizeBytes) = (now, used, size);
        }

        var sizes = shares.ToDictionary(s => s.Id, s => s.SizeGiB);
        foreach (var (id, usage) in readings)
            Put(UsageSubject.Share, id, usage.UsedBytes, usage.RefquotaBytes > 0 ? usage.RefquotaBytes : (long)sizes[id] << 30);

        // A project's total counts all its shares on a host: those not read now (their backend is down) at their last reading.
        var projects = shares.Where(s => readings.ContainsKey(s.Id)).Select(s => s.ProjectId).Distinct().ToList();
        var members = await db.Shares.AsNoTracking()
            .Where(s => projects.Contains(s.ProjectId) && s.Dataset != null)
            .Select(s => new { s.Id, s.ProjectId, s.SizeGiB })
            .ToListAsync(ct);
        var unread = members.Where(m => !readings.ContainsKey(m.Id)).Select(m => m.Id).ToList();
        var lastKnown = await UsageQueries.LatestAsync(db, UsageSubject.Share, unread, ct);
        foreach (var project in members.GroupBy(m => m.ProjectId))
        {
            var used = project.Sum(m => readings.TryGetValue(m.Id, out var u) ? u.UsedBytes : lastKnown.GetValueOrDefault(m.Id)?.UsedBytes ?? 0);
            Put(UsageSubject.Project, project.Key, used, project.Sum(m => (long)m.SizeGiB << 30));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Drops what the tiers no longer keep, and the history of shares and projects that are gone.</summary>
    public async Task ThinAsync(DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.UsageSamples.Where(u => u.Subject == UsageSubject.Share && !db.Shares.Any(s => s.Id == u.SubjectId)).ExecuteDeleteAsync(ct);
        await db.UsageSamples.Where(u => u.Subject == UsageSubject.Project && !db.Projects.Any(p => p.Id == u.SubjectId)).ExecuteDeleteAsync(ct);

        // The first tier never needs thinning here: a reading replaces its bucket's sample as it is written.
        var edge = now - UsageHistory.Tiers[0].Age;
        var old = await db.UsageSamples.AsNoTracking().Where(u => u.At < edge)
            .Select(u => new { u.Id, u.Subject, u.SubjectId, u.At }).ToListAsync(ct);
        var drop = old.GroupBy(u => (u.Subject, u.SubjectId))
            .SelectMany(g => UsageHistory.ToDrop(g, u => u.At, now)).Select(u => u.Id).ToList();
        foreach (var chunk in drop.Chunk(500))
            await db.UsageSamples.Where(u => chunk.Contains(u.Id)).ExecuteDeleteAsync(ct);
    }
}
