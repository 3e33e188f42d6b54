using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Drift.Repair;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Drift;

/// <summary>
/// One reconcile of a backend: read the host in a few bulk commands, compare with the records (<see cref="DriftScan"/>), keep the
/// findings, and (unless dry) queue one <see cref="RepairShareHandler"/> operation per share that needs one, through the intake, so a
/// share with an operation under way is left alone and every repair shows on the operations page. Passes of one backend never
/// overlap; the survey's own commands are kept with the host command log.
/// </summary>
public sealed class Reconciler(
    IDbContextFactory<PortalDbContext> dbFactory, IStorageHostFactory hosts, OperationIntake intake, TimeProvider time, ILogger<Reconciler> log)
{
    /// <summary>Who the audit log names for what the reconciler does by itself.</summary>
    public static readonly CurrentUser User = new("reconciler", "reconciler", IsAdmin: true);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.Ordinal);

    /// <summary>Raised after each pass is saved (the Drift page re-reads).</summary>
    public event Action<string>? Reconciled;

    public async Task<ReconcileRun> RunAsync(string backendName, bool dryRun, string trigger, CancellationToken ct)
    {
        var gate = _running.GetOrAdd(backendName, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await PassAsync(backendName, dryRun, trigger, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ReconcileRun> PassAsync(string backendName, bool dryRun, string trigger, CancellationToken ct)
    {
        var started = time.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        var run = new ReconcileRun { BackendName = backendName, StartedAt = started, DryRun = dryRun, Trigger = trigger };
        var commandLog = new SurveyLog();
        ScanResult? scan = null;
        try
        {
            BackendOptions backend;
            List<ShareRecord> shares;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                backend = (await db.Backends.AsNoTracking().SingleAsync(b => b.Settings.Name == backendName, ct)).Settings;
                shares = await LoadSharesAsync(db, backendName, ct);
            }

            var host = hosts.Open(backend, commandLog);
            var state = await SurveyAsync(backend, host, shares, ct);
            scan = DriftScan.Compare(backend, shares, state);
            run.Findings = scan.Findings.Count;
            run.Skipped = scan.Skipped;
            run.Commands = string.Join('\n', scan.Commands);
            if (!dryRun && scan.Repairs.Count > 0)
            {
                run.Repairs = await QueueRepairsAsync(scan, ct);
            }
        }
        catch (Exception ex) when (ex is StorageHostException or InvalidOperationException)
        {
            run.Failure = $"The host of backend '{backendName}' could not be compared: {ex.Message.TrimEnd('.')}. Nothing was repaired; " +
                          "the next pass tries again.";
            log.LogWarning(ex, "Reconcile of backend {Backend} failed", backendName);
        }

        run.DurationMs = (int)Math.Ceiling(clock.Elapsed.TotalMilliseconds);
        await SaveAsync(run, scan, commandLog, ct);
        Reconciled?.Invoke(backendName);
        return run;
    }

    private static async Task<List<ShareRecord>> LoadSharesAsync(PortalDbContext db, string backendName, CancellationToken ct)
    {
        var rows = await db.Shares.AsNoTracking().Include(s => s.ShareType)
            .Where(s => s.BackendName == backendName && s.Dataset != null)
            .ToListAsync(ct);
        var ids = rows.Select(s => s.Id).ToList();
        var rules = (await db.AccessRules.AsNoTracking().Where(r => ids.Contains(r.ShareId) && r.State == AccessRuleState.Active).ToListAsync(ct))
            .ToLookup(r => r.ShareId);
        var snapshots = (await db.Snapshots.AsNoTracking().Where(s => ids.Contains(s.ShareId) && s.Status == SnapshotStatus.Available).ToListAsync(ct))
            .ToLookup(s => s.ShareId);
        var busy = (await db.Operations.AsNoTracking()
                .Where(o => ids.Contains(o.ShareId) && (o.State == OperationState.Queued || o.State == OperationState.Running))
                .Select(o => o.ShareId).ToListAsync(ct))
            .ToHashSet();
        return [.. rows.Select(s => new ShareRecord(s.Id, s.ProjectId, s.Name, s.Status, s.Dataset!, s.Mountpoint, s.SizeGiB,
            s.ShareType?.DatasetProperties ?? [],
            [.. rules[s.Id].Select(ToClient).OfType<NfsClientRule>()],
            [.. snapshots[s.Id].Select(x => (x.Id, x.ZfsName))],
            s.Status.IsBusy() || busy.Contains(s.Id)))];
    }

    private static NfsClientRule? ToClient(AccessRule rule) =>
        AccessTarget.TryParse(rule.Target, out _) is { } target ? new NfsClientRule(target, rule.Level, rule.RootSquash) : null;

    /// <summary>One <c>zfs get -r</c> per pool, <c>exportfs -v</c>, and the exports file: the whole host in a few commands.</summary>
    private static async Task<HostState> SurveyAsync(BackendOptions backend, IStorageHost host, IReadOnlyList<ShareRecord> shares, CancellationToken ct)
    {
        if (host is not IHostSurvey survey)
        {
            throw new InvalidOperationException($"Backend '{backend.Name}' cannot be surveyed by this portal's storage host.");
        }

        var properties = DriftScan.BaseProperties
            .Concat(shares.SelectMany(s => s.TypeProperties.Keys).Where(k => !DatasetProperties.Reserved.Contains(k)).Select(k => k.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal).ToList();
        var pools = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?>(StringComparer.Ordinal);
        foreach (var pool in backend.Pools)
        {
            pools[pool] = await survey.GetPoolTreeAsync(pool, properties, ct);
        }

        var table = await survey.ReadExportTableAsync(ct);
        var file = string.Equals(backend.NfsHelper, ExportfsHelper.Name, StringComparison.Ordinal) ? await survey.ReadExportsFileAsync(ct) : null;
        return new HostState(pools, table, file);
    }

    /// <summary>
    /// One transaction: each share is looked at again, and only one with no operation queued or running (and not in a transitional
    /// state) gets a repair; the audit log names the reconciler.
    /// </summary>
    private async Task<int> QueueRepairsAsync(ScanResult scan, CancellationToken ct)
    {
        var queued = 0;
        await intake.RunAsync(async (db, work) =>
        {
            queued = 0;
            foreach (var id in scan.Repairs)
            {
                var share = await db.Shares.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == id, ct);
                if (share is null || share.Status.IsBusy()
                    || await db.Operations.AnyAsync(o => o.ShareId == id && (o.State == OperationState.Queued || o.State == OperationState.Running), ct))
                {
                    continue;
                }

                work.Queue(db, OperationKind.RepairShare, share, User.UserId, RepairShareHandler.PlannedSteps);
                var what = scan.Findings.Where(f => f.ShareId == id).Select(f => f.Kind.ToString()).Distinct();
                work.Audit(db, User, "share.repair", $"share {share.Name} in {share.Project?.Name}", share.ProjectId, string.Join(", ", what));
                queued++;
            }

            // Nothing to commit when every share got an operation of its own meanwhile.
            return queued > 0 ? CommandResult.Done(scan.Repairs[0]) : CommandResult.Refused("No share needs a repair any more.");
        }, ct);
        return queued;
    }

    /// <summary>The run, its findings (replacing the backend's open ones, keeping when each was first seen) and the survey's commands.</summary>
    private async Task SaveAsync(ReconcileRun run, ScanResult? scan, SurveyLog commands, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ReconcileRuns.Add(run);
        foreach (var c in commands.Records)
        {
            db.HostCommands.Add(new HostCommandEntry
            {
                Backend = c.Backend, CommandLine = ShellQuote.Join(c.Argv), ExitCode = c.ExitCode,
                DurationMs = (int)Math.Ceiling(c.Duration.TotalMilliseconds), Stderr = c.Stderr, StartedAt = c.StartedAt.UtcDateTime,
            });
        }

        if (scan is not null)
        {
            var old = await db.DriftFindings.Where(f => f.BackendName == run.BackendName).ToListAsync(ct);
            db.DriftFindings.RemoveRange(old);
            foreach (var f in scan.Findings)
            {
                var first = old.FirstOrDefault(o => o.Kind == f.Kind && o.Dataset == f.Dataset && o.ShareId == f.ShareId && o.SnapshotId == f.SnapshotId)?.FirstFoundAt;
                db.DriftFindings.Add(new DriftFinding
                {
                    BackendName = run.BackendName, Kind = f.Kind, ShareId = f.ShareId, SnapshotId = f.SnapshotId, Dataset = f.Dataset,
                    Message = f.Message, SizeBytes = f.SizeBytes, FirstFoundAt = first ?? run.StartedAt, LastFoundAt = run.StartedAt,
                });
            }
        }

        // Only the last passes matter to anyone: keep 50 per backend.
        var stale = await db.ReconcileRuns.Where(r => r.BackendName == run.BackendName)
            .OrderByDescending(r => r.StartedAt).Skip(49).ToListAsync(ct);
        db.ReconcileRuns.RemoveRange(stale);
        await db.SaveChangesAsync(ct);
    }

    private sealed class SurveyLog : IHostCommandLog
    {
        private readonly ConcurrentQueue<HostCommandRecord> _records = new();

        public IEnumerable<HostCommandRecord> Records => _records;

        public void Add(HostCommandRecord record) => _records.Enqueue(record);
    }
}
