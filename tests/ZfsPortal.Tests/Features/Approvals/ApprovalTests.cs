using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Approvals;

namespace ZfsPortal.Tests.Features.Approvals;

public sealed class ApprovalTests : IDisposable
{
    private readonly TestWorld _world = new();
    private readonly ShareType _gold;

    public ApprovalTests() => _gold = _world.AddShareType("gold", t => t.Approval = ApprovalPolicy.Always);

    private async Task<(Guid ShareId, Project Project)> RequestAsync(int size = 4)
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
        var result = await _world.RequestShareAsync(member, project, "big", size.ToString(System.Globalization.CultureInfo.InvariantCulture), _gold.Id);
        Assert.True(result.Succeeded, result.Error);
        return (result.Id!.Value, project);
    }

    [Fact]
    public async Task A_waiting_request_is_listed_with_who_asked_and_the_projects_quota_after_approval()
    {
        var (shareId, _) = await RequestAsync(size: 4);

        var pending = Assert.Single(await _world.Approvals.ListPendingAsync(_world.Admin));

        Assert.Equal((shareId, "big", 4, "gold", "alpha-user@example.test"), (pending.ShareId, pending.ShareName, pending.SizeGiB, pending.ShareTypeName, pending.RequestedBy));
        Assert.Equal((4L, 10), (pending.ProjectGigabytesAfter, pending.ProjectGigabytesLimit));
    }

    [Fact]
    public async Task Approving_starts_the_job_and_the_share_becomes_available()
    {
        var (shareId, _) = await RequestAsync();
        Assert.Empty(_world.Scheduler.Enqueued);

        Assert.True((await _world.Approvals.ApproveAsync(_world.Admin, shareId)).Succeeded);
        Assert.Equal(ShareStatus.Creating, _world.Share(shareId).Status);
        await _world.RunQueuedJobsAsync();

        Assert.Equal(ShareStatus.Available, _world.Share(shareId).Status);
        Assert.Empty(await _world.Approvals.ListPendingAsync(_world.Admin));
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_which_the_tenant_then_reads_and_the_reservation_is_released()
    {
        var (shareId, project) = await RequestAsync(size: 8);
        var (_, member) = (project, (await MemberOfAsync(project.Id)));

        var noReason = await _world.Approvals.RejectAsync(_world.Admin, shareId, "  ");
        Assert.Equal("Give a reason; the requester reads it.", noReason.Errors[ApprovalService.ReasonField]);
        Assert.Equal(ShareStatus.AwaitingApproval, _world.Share(shareId).Status);

        Assert.True((await _world.Approvals.RejectAsync(_world.Admin, shareId, "Use the archive tier for this.")).Succeeded);

        var share = _world.Share(shareId);
        Assert.Equal(ShareStatus.Rejected, share.Status);
        Assert.Equal("Rejected by an admin: Use the archive tier for this.", share.StatusMessage);
        Assert.True((await _world.RequestShareAsync(member, project, "other", "9")).Succeeded);
    }

    [Fact]
    public async Task A_tenant_cannot_approve_or_see_the_queue()
    {
        var (shareId, project) = await RequestAsync();
        var member = await MemberOfAsync(project.Id);

        Assert.Empty(await _world.Approvals.ListPendingAsync(member));
        Assert.Equal("Only admins may approve or reject requests.", (await _world.Approvals.ApproveAsync(member, shareId)).Error);
        Assert.Equal(ShareStatus.AwaitingApproval, _world.Share(shareId).Status);
    }

    [Fact]
    public async Task A_type_that_needs_approval_only_above_a_size_lets_small_requests_through()
    {
        var large = _world.AddShareType("large", t => (t.Approval, t.ApprovalAboveGiB) = (ApprovalPolicy.AboveSize, 5));
        var (project, member) = _world.AddProjectWithMember("beta");

        var small = await _world.RequestShareAsync(member, project, "small", "5", large.Id);
        var big = await _world.RequestShareAsync(member, project, "big", "6", large.Id);

        Assert.Equal(ShareStatus.Creating, _world.Share(small.Id!.Value).Status);
        Assert.Equal(ShareStatus.AwaitingApproval, _world.Share(big.Id!.Value).Status);
    }

    [Fact]
    public async Task Every_decision_is_in_the_audit_log()
    {
        var (shareId, _) = await RequestAsync();
        await _world.Approvals.ApproveAsync(_world.Admin, shareId);

        await using var db = _world.Db.CreateDbContext();
        var entry = await db.Audit.SingleAsync(a => a.Action == "approval.approve");
        Assert.Equal(("admin@example.test", true, "share big in alpha"), (entry.UserName, entry.ByAdmin, entry.Target));
    }

    private async Task<ZfsPortal.Features.Account.CurrentUser> MemberOfAsync(Guid projectId)
    {
        await using var db = _world.Db.CreateDbContext();
        var userId = await db.ProjectMembers.Where(m => m.ProjectId == projectId).Select(m => m.UserId).SingleAsync();
        return new ZfsPortal.Features.Account.CurrentUser(userId, "member", IsAdmin: false);
    }

    public void Dispose() => _world.Dispose();
}
