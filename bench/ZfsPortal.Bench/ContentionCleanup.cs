using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Bench;

/// <summary>
/// Removes what a contention phase made: once no operation of the project is still queued or running, its datasets
/// straight on the host (one at a time, as <see cref="Burst"/> does) and its share rows.
/// </summary>
internal sealed class ContentionCleanup(BenchPortal portal, Remote remote)
{
    /// <summary>Marks the datasets of rows seeded without host work: there is nothing on the host to destroy.</summary>
    public const string FakeMark = "fake_";

    public async Task ProjectAsync(Guid projectId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        await using var db = await portal.Db.CreateDbContextAsync(ct);
        while (DateTime.UtcNow < deadline
               && await db.Operations.AnyAsync(o => o.ProjectId == projectId
                                                    && (o.State == OperationState.Queued || o.State == OperationState.Running), ct))
            await Task.Delay(200, ct);
        var datasets = await db.Shares.Where(s => s.ProjectId == projectId && s.Dataset != null).Select(s => s.Dataset!).ToListAsync(ct);
        foreach (var d in datasets.Where(d => !d.Contains(FakeMark, StringComparison.Ordinal)))
            await remote.UnmountAndDestroyAsync(d, ct);
        await db.Shares.Where(s => s.ProjectId == projectId).ExecuteDeleteAsync(ct);
    }
}
