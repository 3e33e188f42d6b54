using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Delete;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Snapshots;

namespace ZfsPortal.Drills;

/// <summary>A tenant's requests through the portal's own accept steps (the services the pages call), in the rig's process.</summary>
internal sealed class Requests(Rig rig)
{
    private int _n;

    public string NextName(string what) => Rig.Inv($"{what}-{Interlocked.Increment(ref _n):D4}");

    public Task<CommandResult> CreateShareAsync(int sizeGiB, CancellationToken ct, Guid? fromSnapshot = null) =>
        rig.Get<CreateShareService>().CreateAsync(rig.Tenant,
            new CreateShareRequest(rig.ProjectId, rig.ShareTypeId, NextName("share"), "drill", Rig.Inv($"{sizeGiB}"), fromSnapshot), ct);

    public Task<CommandResult> DeleteShareAsync(Guid shareId, CancellationToken ct) => rig.Get<DeleteShareService>().DeleteAsync(rig.Tenant, shareId, ct);

    public Task<CommandResult> ResizeAsync(Guid shareId, int newSize, bool extend, CancellationToken ct) => extend
        ? rig.Get<ResizeShareService>().ExtendAsync(rig.Tenant, shareId, Rig.Inv($"{newSize}"), ct)
        : rig.Get<ResizeShareService>().ShrinkAsync(rig.Tenant, shareId, Rig.Inv($"{newSize}"), ct);

    public Task<CommandResult> SnapshotAsync(Guid shareId, CancellationToken ct) =>
        rig.Get<SnapshotService>().CreateAsync(rig.Tenant, shareId, NextName("snap"), "drill", ct);

    public Task<CommandResult> DeleteSnapshotAsync(Guid snapshotId, CancellationToken ct) => rig.Get<SnapshotService>().DeleteAsync(rig.Tenant, snapshotId, ct);

    public Task<CommandResult> AllowAsync(Guid shareId, string target, CancellationToken ct) =>
        rig.Get<AccessService>().AllowAsync(rig.Tenant, shareId, target, "rw", rootSquash: true, ct: ct);

    /// <summary>Accepts, then waits until it has settled; the share (or snapshot) id, or an exception saying why not.</summary>
    public async Task<Guid> SettledAsync(Task<CommandResult> request, CancellationToken ct)
    {
        var result = await request;
        if (!result.Succeeded)
            throw new InvalidOperationException($"Refused: {result.Error}");
        if (await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct) is null)
            throw new InvalidOperationException("The request did not settle within 2 minutes.");
        return result.Id!.Value;
    }

    public async Task<ShareStatus> ShareStatusAsync(Guid shareId, CancellationToken ct)
    {
        await using var db = await rig.Db.CreateDbContextAsync(ct);
        return await db.Shares.Where(s => s.Id == shareId).Select(s => s.Status).SingleAsync(ct);
    }

    public async Task<Share> ShareAsync(Guid shareId, CancellationToken ct)
    {
        await using var db = await rig.Db.CreateDbContextAsync(ct);
        return await db.Shares.AsNoTracking().SingleAsync(s => s.Id == shareId, ct);
    }

    /// <summary>The newest operation, to see whether a kill landed before its end.</summary>
    public async Task<Operation?> LastOperationAsync(CancellationToken ct)
    {
        await using var db = await rig.Db.CreateDbContextAsync(ct);
        return await db.Operations.AsNoTracking().OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(ct);
    }
}
