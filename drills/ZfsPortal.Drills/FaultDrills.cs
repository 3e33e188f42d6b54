using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Drills;

/// <summary>The host-side faults: sshd stopped in a burst, zfs-fuse frozen, the pool full, portal.db's disk full.</summary>
internal static class FaultDrills
{
    /// <summary>sshd stopped 0–300 ms into a burst of 20 creates, started again 5 s later; every share ends available or error with a sentence.</summary>
    public static async Task<DrillRow> SshdAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("sshd stopped in a burst of 20 creates");
        await using var rig = await Rig.StartAsync(host, runId, "sshd", ct);
        var req = new Requests(rig);
        for (var i = 0; i < runs; i++)
        {
            var burst = Enumerable.Range(0, 20).Select(_ => req.CreateShareAsync(1, ct)).ToList();
            var ids = (await Task.WhenAll(burst)).Where(r => r.Succeeded).Select(r => r.Id!.Value).ToList();
            await Task.Delay(RandomNumberGenerator.GetInt32(0, 300), ct);
            await DrillHost.StopSshdAsync();
            row.Runs++;
            row.Faults++;
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            await DrillHost.StartSshdAsync();
            var clock = Stopwatch.StartNew();
            // Recovered: the burst has settled and a new create succeeds.
            if (await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct) is not null)
            {
                var probe = await req.CreateShareAsync(1, ct);
                if (probe.Succeeded && await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct) is not null
                    && await req.ShareStatusAsync(probe.Id!.Value, ct) == ShareStatus.Available)
                    row.RecoverSeconds.Add(clock.Elapsed.TotalSeconds);
            }
            await using (var db = await rig.Db.CreateDbContextAsync(ct))
            {
                var shares = await db.Shares.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
                var available = shares.Count(s => s.Status == ShareStatus.Available);
                var errors = shares.Where(s => s.Status == ShareStatus.Error).ToList();
                var silent = errors.Where(s => !Sentences.IsSentence(s.StatusMessage)).ToList();
                var other = shares.Count - available - errors.Count;
                row.Lost += other;
                row.Notes.Add(Rig.Inv($"run {i + 1}: {available} available, {errors.Count} error, {other} other, {silent.Count} without a sentence"));
                foreach (var m in errors.Select(s => s.StatusMessage).Distinct().Take(2))
                    row.Notes.Add($"  e.g. \"{m}\"");
                foreach (var s in silent)
                    row.Orphans.Add($"share {s.Name} in error without a sentence: {s.StatusMessage}");
            }
            row.Add(await Invariants.CheckAsync(rig, ct));
            await log.WriteLineAsync($"  sshd run {i + 1}: {row.Notes[^1]}");
        }
        return row;
    }

    /// <summary>
    /// zfs-fuse frozen with SIGSTOP during a create (every pool on the machine stops with it), for longer than the
    /// backend's command timeout (10 s here), then resumed. Runs only when asked for with --only freeze.
    /// </summary>
    public static async Task<DrillRow> FreezeAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("zfs-fuse frozen (SIGSTOP) mid-command");
        await using var rig = await Rig.StartAsync(host, runId, "freeze", ct,
            settings: new() { ["Storage:Backends:0:CommandTimeoutSeconds"] = "10" });
        var req = new Requests(rig);
        for (var i = 0; i < runs; i++)
        {
            var created = await req.CreateShareAsync(1, ct);
            await Task.Delay(RandomNumberGenerator.GetInt32(50, 200), ct);
            var pids = Proc.ByName("zfs-fuse");
            foreach (var pid in pids)
                Proc.Signal(pid, "STOP");
            row.Runs++;
            row.Faults++;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(15), ct);
            }
            finally
            {
                foreach (var pid in pids)
                    Proc.Signal(pid, "CONT");
            }
            var clock = Stopwatch.StartNew();
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct);
            var share = await req.ShareAsync(created.Id!.Value, ct);
            row.Notes.Add($"run {i + 1}: share {share.Status.ToManila()}: {share.StatusMessage}");
            // Recovered = a new create ends available again. The health check may have read the backend down while the
            // daemon was stopped; placement refuses it (with its sentence) until the next reading, Portal:HealthCheckSeconds.
            var refusedWhileDown = 0;
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                var probe = await req.CreateShareAsync(1, ct);
                await rig.WaitSettledAsync(TimeSpan.FromMinutes(1), ct);
                if (probe.Succeeded && await req.ShareStatusAsync(probe.Id!.Value, ct) == ShareStatus.Available)
                    break;
                refusedWhileDown++;
                await Task.Delay(1000, ct);
            }
            var recovered = clock.Elapsed.TotalSeconds;
            // No worker slot lost: as many creates as there are workers all finish, available, once it has recovered.
            var after = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => req.CreateShareAsync(1, ct)));
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct);
            var ok = 0;
            foreach (var r in after.Where(r => r.Succeeded))
                ok += await req.ShareStatusAsync(r.Id!.Value, ct) == ShareStatus.Available ? 1 : 0;
            if (ok == 8)
                row.RecoverSeconds.Add(recovered);
            else
                row.Mismatches.Add(Rig.Inv($"run {i + 1}: only {ok} of 8 creates available after the portal had recovered"));
            row.Notes.Add(Rig.Inv($"run {i + 1}: a create available again {recovered:0.0} s after the resume ({refusedWhileDown} tried before that ended in error); then {ok} of 8 creates at once available"));
            row.Add(await Invariants.CheckAsync(rig, ct));
            await log.WriteLineAsync($"  freeze run {i + 1}: {row.Notes[^2]} / {row.Notes[^1]}");
        }
        return row;
    }

    /// <summary>The pool filled with a file in its root; a create is refused with a sentence and nothing is left; after the file goes, creates work again.</summary>
    public static async Task<DrillRow> PoolFullAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("pool full");
        await using var rig = await Rig.StartAsync(host, runId, "poolfull", ct);
        var req = new Requests(rig);
        var share = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
        var filler = $"/{DrillHost.Pool}/drill-filler";
        var compression = (await Proc.RunAsync("/usr/sbin/zfs", "get", "-H", "-o", "value", "compression", DrillHost.Pool)).Stdout.Trim();
        for (var i = 0; i < runs; i++)
        {
            // Zeros compress to nothing where compression is on.
            var fill = await Proc.RunAsync("/bin/dd", compression == "off" ? "if=/dev/zero" : "if=/dev/urandom", $"of={filler}", "bs=1M", "status=none");
            var avail = (await Proc.RunAsync("/usr/sbin/zfs", "get", "-H", "-p", "-o", "value", "available", DrillHost.Pool)).Stdout.Trim();
            row.Runs++;
            row.Faults++;
            row.Notes.Add(Rig.Inv($"run {i + 1}: dd ended {fill.ExitCode} ({fill.Stderr.Trim()}); {avail} bytes available"));
            var create = await req.CreateShareAsync(1, ct);
            var snap = await req.SnapshotAsync(share, ct);
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct);
            foreach (var (what, r) in new[] { ("create", create), ("snapshot", snap) })
            {
                if (!r.Succeeded)
                {
                    row.Notes.Add($"  {what} refused: {r.Error}");
                    continue;
                }
                string state, message;
                await using (var db = await rig.Db.CreateDbContextAsync(ct))
                {
                    var s = what == "create"
                        ? await db.Shares.Where(x => x.Id == r.Id).Select(x => new { St = x.Status.ToString(), x.StatusMessage }).SingleAsync(ct)
                        : await db.Snapshots.Where(x => x.Id == r.Id).Select(x => new { St = x.Status.ToString(), x.StatusMessage }).SingleAsync(ct);
                    (state, message) = (s.St, s.StatusMessage ?? "");
                }
                row.Notes.Add($"  {what}: {state} \"{message}\"");
                if (state.StartsWith("Error", StringComparison.Ordinal) && !Sentences.IsSentence(message))
                    row.Orphans.Add($"{what} error without a sentence: {message}");
            }
            row.Add(await Invariants.CheckAsync(rig, ct));
            File.Delete(filler);
            var clock = Stopwatch.StartNew();
            // The health check's pool reading may be up to 20 s old; placement reads it.
            for (var attempt = 0; attempt < 30; attempt++)
            {
                var again = await req.CreateShareAsync(1, ct);
                await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct);
                if (again.Succeeded && await req.ShareStatusAsync(again.Id!.Value, ct) == ShareStatus.Available)
                {
                    row.RecoverSeconds.Add(clock.Elapsed.TotalSeconds);
                    break;
                }
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
            }
            if (row.RecoverSeconds.Count <= i)
                row.Notes.Add(Rig.Inv($"run {i + 1}: no create succeeded within {clock.Elapsed.TotalSeconds:F0} s after the filler was removed"));
            row.Add(await Invariants.CheckAsync(rig, ct));
            await log.WriteLineAsync($"  pool-full run {i + 1}: {string.Join(" | ", row.Notes.TakeLast(3))}");
        }
        return row;
    }

    /// <summary>
    /// portal.db's disk full: the data directory on a small tmpfs this drill mounts; a filler file takes the rest, once
    /// before a request and once while an operation runs. Then the filler goes and everything must settle cleanly.
    /// </summary>
    public static async Task<DrillRow> DiskFullAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("portal.db's disk full");
        var mount = Path.Combine(Path.GetTempPath(), $"zfsportal-drill-disk-{runId}");
        Directory.CreateDirectory(mount);
        var mounted = await Proc.RunAsync("/bin/mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", mount);
        if (mounted.ExitCode != 0)
            throw new InvalidOperationException($"mount tmpfs on {mount} failed: {mounted.Stderr.Trim()}");
        try
        {
            await using var rig = await Rig.StartAsync(host, runId, "diskfull", ct, dataDirectory: mount);
            var req = new Requests(rig);
            await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
            var filler = Path.Combine(mount, "filler");
            for (var i = 0; i < runs; i++)
            {
                // Before a request: the accept step cannot write.
                await Proc.RunAsync("/bin/dd", "if=/dev/zero", $"of={filler}", "bs=64k", "status=none");
                row.Runs++;
                row.Faults++;
                string answer;
                try
                {
                    var r = await req.CreateShareAsync(1, ct);
                    answer = r.Succeeded ? "accepted" : $"refused: {r.Error}";
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    answer = $"threw {ex.GetType().Name}: {ex.Message}";
                }
                row.Notes.Add($"run {i + 1}, full before the request: {answer}");
                File.Delete(filler);

                // While an operation runs: its later writes fail.
                var during = await req.CreateShareAsync(1, ct);
                await Task.Delay(RandomNumberGenerator.GetInt32(0, 150), ct);
                await Proc.RunAsync("/bin/dd", "if=/dev/zero", $"of={filler}", "bs=64k", "status=none");
                row.Faults++;
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                File.Delete(filler);
                var clock = Stopwatch.StartNew();
                var settled = await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct);
                if (settled is not null)
                    row.RecoverSeconds.Add(clock.Elapsed.TotalSeconds);
                if (during.Succeeded)
                {
                    var s = await req.ShareAsync(during.Id!.Value, ct);
                    row.Notes.Add($"run {i + 1}, full during the create: share {s.Status.ToManila()} {s.StatusMessage}");
                }
                if (rig.Child.Pid is null)
                    row.Notes.Add($"run {i + 1}: the child portal exited; see its log");
                row.Add(await Invariants.CheckAsync(rig, ct));
                await log.WriteLineAsync($"  disk-full run {i + 1}: {string.Join(" | ", row.Notes.TakeLast(2))}");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var umount = await Proc.RunAsync("/bin/umount", mount);
            if (umount.ExitCode == 0)
                Directory.Delete(mount);
            else
                await log.WriteLineAsync($"  umount {mount} failed: {umount.Stderr.Trim()}");
        }
        return row;
    }
}

internal static class Sentences
{
    /// <summary>A message a person can read: ends with a full stop (or ? or !), and carries no exception text.</summary>
    public static bool IsSentence(string? text) =>
        text is { Length: > 1 } t && (t.TrimEnd().EndsWith('.') || t.TrimEnd().EndsWith('?') || t.TrimEnd().EndsWith('!'))
        && !t.Contains("Exception", StringComparison.Ordinal) && !t.Contains("   at ", StringComparison.Ordinal)
        && !t.Contains("Object reference", StringComparison.Ordinal);
}
