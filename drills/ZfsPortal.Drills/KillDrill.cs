using System.Diagnostics;
using System.Security.Cryptography;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Drills;

/// <summary>
/// kill -9 of the job-running portal at a random point inside each operation kind: the delay is drawn uniformly from
/// 0 to the time the kind took from accept to settled in an unkilled warm-up run. Then the portal is started again
/// and, once everything has settled, the invariants are checked. A kill that landed after the operation had already
/// ended is counted as a run but not as a fault injected inside it.
/// </summary>
internal static class KillDrill
{
    public static async Task<List<DrillRow>> RunAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        await using var rig = await Rig.StartAsync(host, runId, "kill", ct);
        var req = new Requests(rig);
        var baseShare = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
        var baseSnap = await req.SettledAsync(req.SnapshotAsync(baseShare, ct), ct);
        var work = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
        var rows = new List<DrillRow>();
        var target = 0;

        foreach (var kind in Enum.GetValues<OperationKind>())
        {
            var row = new DrillRow($"kill -9 inside {kind}");
            rows.Add(row);
            // What a run of this kind needs first, made and settled before the clock starts.
            async Task<Func<Task<CommandResult>>> Prepare()
            {
                switch (kind)
                {
                    case OperationKind.DeleteShare:
                        var victim = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
                        return () => req.DeleteShareAsync(victim, ct);
                    case OperationKind.DeleteSnapshot:
                        var snap = await req.SettledAsync(req.SnapshotAsync(baseShare, ct), ct);
                        return () => req.DeleteSnapshotAsync(snap, ct);
                    case OperationKind.ExtendShare or OperationKind.ShrinkShare:
                        var share = await req.ShareAsync(work, ct);
                        if (share.Status != ShareStatus.Available || share.AccessRulesStatus != AccessRulesStatus.Active)
                        {
                            work = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
                            share = await req.ShareAsync(work, ct);
                        }
                        if (kind == OperationKind.ShrinkShare && share.SizeGiB < 2)
                        {
                            // Grown first (a refquota takes no pool space, the small drill pool could not place a big
                            // share), so that every shrink run has a GiB to give back.
                            await req.SettledAsync(req.ResizeAsync(work, share.SizeGiB + runs + 1, extend: true, ct), ct);
                            share = await req.ShareAsync(work, ct);
                        }
                        var id = work;
                        var size = share.SizeGiB + (kind == OperationKind.ExtendShare ? 1 : -1);
                        return () => req.ResizeAsync(id, size, kind == OperationKind.ExtendShare, ct);
                    case OperationKind.CreateSnapshot:
                        return () => req.SnapshotAsync(baseShare, ct);
                    case OperationKind.CreateShareFromSnapshot:
                        return () => req.CreateShareAsync(1, ct, baseSnap);
                    case OperationKind.SyncAccessRules:
                        var t = Interlocked.Increment(ref target);
                        return () => req.AllowAsync(baseShare, Rig.Inv($"203.0.113.{t % 250 + 1}"), ct);
                    default:
                        return () => req.CreateShareAsync(1, ct);
                }
            }

            // Warm-up: how long this kind takes here, unkilled.
            var warm = await Prepare();
            var clock = Stopwatch.StartNew();
            var warmResult = await warm();
            var window = TimeSpan.FromSeconds(1);
            if (warmResult.Succeeded && await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct) is not null)
                window = clock.Elapsed;
            else
                row.Notes.Add($"warm-up refused ({warmResult.Error}); kills drawn from [0, 1 s]");
            await log.WriteLineAsync(Rig.Inv($"  {kind}: {window.TotalMilliseconds:F0} ms accept-to-settled unkilled; {runs} kills in [0, that]"));

            for (var i = 0; i < runs; i++)
            {
                ct.ThrowIfCancellationRequested();
                var request = await Prepare();
                var accepted = await request();
                if (!accepted.Succeeded)
                {
                    row.Notes.Add($"run {i + 1} refused at accept: {accepted.Error}");
                    continue;
                }
                var delay = TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(0, Math.Max(1, (int)window.TotalMilliseconds)));
                await Task.Delay(delay, ct);
                var killedAt = Stopwatch.StartNew();
                await rig.Child.KillAsync();
                row.Runs++;
                var op = await req.LastOperationAsync(ct);
                if (op is { State: OperationState.Queued or OperationState.Running })
                    row.Faults++;
                await rig.Child.StartAsync(ct);
                var settled = await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct);
                if (settled is not null)
                    row.RecoverSeconds.Add(killedAt.Elapsed.TotalSeconds);
                var check = await Invariants.CheckAsync(rig, ct);
                row.Add(check);
                if (!check.Clean)
                    await log.WriteLineAsync($"    run {i + 1}: {string.Join("; ", check.Findings.DefaultIfEmpty($"{check.Unsettled} unsettled"))}");
            }
            await log.WriteLineAsync(Rig.Inv($"  {kind}: {row.Runs} runs, {row.Faults} inside, lost {row.Lost}, orphans {row.Orphans.Count}, recover {DrillRow.Median(row.RecoverSeconds)}"));
        }
        return rows;
    }
}
