using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Delete;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Snapshots;

namespace ZfsPortal.Bench;

/// <summary>Where one operation's time went, from the portal's own records (Operation, OperationSteps, HostCommands).</summary>
internal sealed class Breakdown
{
    /// <summary>The service call (validate, IMMEDIATE transaction, Hangfire enqueue, first nudge).</summary>
    public Series Accept { get; } = new("accept");
    /// <summary>Service call returned → Operation.StartedAt: Hangfire's queue poll, fetch, job activation, the claim.</summary>
    public Series Queue { get; } = new("queue");
    /// <summary>StartedAt → FinishedAt: the handler with its steps and their records.</summary>
    public Series Run { get; } = new("run");
    /// <summary>FinishedAt → the bench's re-read saw the final state (final SaveChanges, Publish, re-read).</summary>
    public Series Observe { get; } = new("observe");
    /// <summary>Sum of the durations the portal recorded for the operation's host commands.</summary>
    public Series HostMs { get; } = new("host ms");
    public Series HostCommands { get; } = new("host commands");
    public Series Steps { get; } = new("steps");
    /// <summary>Run minus host commands: the handler's own database work (loads, step records, finish).</summary>
    public Series RunOverhead { get; } = new("run − host");
    public Dictionary<string, int> CommandCounts { get; } = [];
}

internal sealed class PortalOps(BenchPortal portal, ShareWatch watch)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public Dictionary<string, Series> Results { get; } = Ops.All.ToDictionary(o => o, o => new Series(o));
    public Dictionary<string, Breakdown> Breakdowns { get; } = Ops.All.ToDictionary(o => o, _ => new Breakdown());

    private CreateShareService Creates => portal.Get<CreateShareService>();
    private DeleteShareService Deletes => portal.Get<DeleteShareService>();
    private ResizeShareService Resizes => portal.Get<ResizeShareService>();
    private SnapshotService Snapshots => portal.Get<SnapshotService>();
    private AccessService Access => portal.Get<AccessService>();

    public async Task LifecycleAsync(int i, bool counted, CancellationToken ct)
    {
        var user = portal.Tenant;
        var project = portal.DemoProjectId;
        var type = portal.DefaultShareTypeId;

        var share = await MeasureAsync(Ops.Create, OperationKind.CreateShare, counted,
            () => Creates.CreateAsync(user, new CreateShareRequest(project, type, Fmt.Inv($"b{i:D3}"), "", "1"), ct),
            id => id, id => Final.ShareAvailable(id, 1), ct);
        var rule = await MeasureAsync(Ops.Allow, OperationKind.SyncAccessRules, counted,
            () => Access.AllowAsync(user, share, Fmt.Inv($"203.0.113.{(i % 250) + 1}"), "rw", rootSquash: true, ct: ct),
            _ => share, Final.RuleActive, ct);
        await MeasureAsync(Ops.Deny, OperationKind.SyncAccessRules, counted,
            () => Access.DenyAsync(user, rule, ct), _ => share, Final.RuleGone, ct);
        var snap = await MeasureAsync(Ops.SnapCreate, OperationKind.CreateSnapshot, counted,
            () => Snapshots.CreateAsync(user, share, Fmt.Inv($"s{i:D3}"), "", ct), _ => share, Final.SnapshotAvailable, ct);
        var copy = await MeasureAsync(Ops.FromSnapshot, OperationKind.CreateShareFromSnapshot, counted,
            () => Creates.CreateAsync(user, new CreateShareRequest(project, type, Fmt.Inv($"c{i:D3}"), "", "1", snap), ct),
            id => id, id => Final.ShareAvailable(id, 1), ct);
        await MeasureAsync(Ops.Extend, OperationKind.ExtendShare, counted,
            () => Resizes.ExtendAsync(user, share, "2", ct), _ => share, _ => Final.ShareAvailable(share, 2), ct);
        await MeasureAsync(Ops.Shrink, OperationKind.ShrinkShare, counted,
            () => Resizes.ShrinkAsync(user, share, "1", ct), _ => share, _ => Final.ShareAvailable(share, 1), ct);
        await MeasureAsync(Ops.Delete, OperationKind.DeleteShare, counted,
            () => Deletes.DeleteAsync(user, copy, ct), id => id, Final.ShareGone, ct);
        await MeasureAsync(Ops.SnapDelete, OperationKind.DeleteSnapshot, counted,
            () => Snapshots.DeleteAsync(user, snap, ct), _ => share, Final.SnapshotGone, ct);
        await MeasureAsync(Ops.Delete, OperationKind.DeleteShare, counted,
            () => Deletes.DeleteAsync(user, share, ct), id => id, Final.ShareGone, ct);
    }

    /// <summary>
    /// Button to final state: the clock starts before the service call (what the page's button handler makes) and stops
    /// at the re-read, prompted by a <c>ShareEvents</c> nudge, that sees the final state.
    /// </summary>
    private async Task<Guid> MeasureAsync(string op, OperationKind kind, bool counted, Func<Task<CommandResult>> act,
        Func<Guid, Guid> shareOf, Func<Guid, Func<PortalDbContext, Task<Check>>> final, CancellationToken ct)
    {
        var t0Utc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var result = await act();
        var accepted = Stopwatch.GetTimestamp();
        if (!result.Succeeded)
            throw new InvalidOperationException($"The portal refused '{op}': {result.Error}");
        var id = result.Id!.Value;
        var shareId = shareOf(id);
        Observed seen;
        try
        {
            seen = await watch.WaitAsync(shareId, final(id), Timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"'{op}' did not reach its final state within {Timeout.TotalSeconds} s.");
        }
        if (counted)
        {
            var total = Clock.Ms(start, seen.At);
            Results[op].Add(total);
            await RecordBreakdownAsync(op, kind, shareId, t0Utc, Clock.Ms(start, accepted), t0Utc.AddMilliseconds(total), ct);
        }
        return id;
    }

    private async Task RecordBreakdownAsync(string op, OperationKind kind, Guid shareId, DateTime t0Utc, double acceptMs, DateTime observedUtc, CancellationToken ct)
    {
        await using var db = await portal.Db.CreateDbContextAsync(ct);
        var since = t0Utc.AddSeconds(-1);
        var operation = await db.Operations.AsNoTracking()
            .Where(o => o.ShareId == shareId && o.Kind == kind && o.CreatedAt >= since)
            .OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(ct);
        var b = Breakdowns[op];
        b.Accept.Add(acceptMs);
        if (operation?.StartedAt is not { } started || operation.FinishedAt is not { } finished)
            return;
        var commands = await db.HostCommands.AsNoTracking().Where(c => c.OperationId == operation.Id).ToListAsync(ct);
        var steps = await db.OperationSteps.CountAsync(s => s.OperationId == operation.Id, ct);
        var hostMs = commands.Sum(c => (double)c.DurationMs);
        var runMs = (finished - started).TotalMilliseconds;
        // From the button, not from the service call's return: the in-process dispatcher claims before that returns.
        b.Queue.Add((started - t0Utc).TotalMilliseconds);
        b.Run.Add(runMs);
        b.Observe.Add((observedUtc - finished).TotalMilliseconds);
        b.HostMs.Add(hostMs);
        b.HostCommands.Add(commands.Count);
        b.Steps.Add(steps);
        b.RunOverhead.Add(runMs - hostMs);
        foreach (var c in commands)
        {
            var verb = Verb(c.CommandLine);
            b.CommandCounts[verb] = b.CommandCounts.GetValueOrDefault(verb) + 1;
        }
    }

    /// <summary>"zfs get", "zfs create", "exportfs -v", … from a recorded command line.</summary>
    public static string Verb(string commandLine)
    {
        var words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tool = Array.FindIndex(words, w => w.EndsWith("/zfs", StringComparison.Ordinal) || w.EndsWith("/exportfs", StringComparison.Ordinal)
                                               || w.EndsWith("/zpool", StringComparison.Ordinal));
        if (tool < 0 || tool + 1 >= words.Length)
            return commandLine;
        var name = Path.GetFileName(words[tool]);
        var verb = words[tool + 1];
        if (commandLine.Contains(" | ", StringComparison.Ordinal))
            return "zfs send | zfs receive";
        return name == "exportfs" ? $"exportfs {verb}" : $"{name} {verb}";
    }
}
