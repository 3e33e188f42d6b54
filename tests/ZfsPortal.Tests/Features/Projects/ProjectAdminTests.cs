using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Tests.Features.Projects;

public sealed class ProjectAdminTests : IDisposable
{
    private readonly TestWorld _world = new();

    private static QuotaInput Quotas(string shares = "10", string gigabytes = "100", string snapshots = "10", string snapGb = "100", string perShare = "-1") =>
        new(shares, gigabytes, snapshots, snapGb, perShare);

    [Fact]
    public async Task A_new_project_starts_with_the_default_quotas_admins_set()
    {
        Assert.True((await _world.ProjectAdmin.SetDefaultQuotasAsync(_world.Admin, Quotas(shares: "3", gigabytes: "30"))).Succeeded);

        var created = await _world.ProjectAdmin.CreateAsync(_world.Admin, "research", "lab data");

        var row = (await _world.ProjectAdmin.ListAsync(_world.Admin)).Single(p => p.Id == created.Id);
        Assert.Equal((3, 30, -1), (row.Quotas.Shares, row.Quotas.Gigabytes, row.Quotas.PerShareGigabytes));
    }

    [Theory]
    [InlineData("abc", "'abc' is not allowed")]
    [InlineData("-5", "'-5' is not allowed")]
    [InlineData("1.5", "'1.5' is not allowed")]
    [InlineData("", "Enter a number, or -1 for unlimited.")]
    public async Task A_bad_quota_value_is_refused_at_its_field_and_saves_nothing(string value, string message)
    {
        var (project, _) = _world.AddProjectWithMember("alpha");

        var result = await _world.ProjectAdmin.SetQuotasAsync(_world.Admin, project.Id, Quotas(gigabytes: value));

        Assert.StartsWith(message, result.Errors["Gigabytes"], StringComparison.Ordinal);
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(QuotaLimits.Defaults.Gigabytes, (await db.Projects.SingleAsync(p => p.Id == project.Id)).Quotas.Gigabytes);
    }

    [Fact]
    public async Task Lowering_a_quota_below_use_is_allowed_blocks_new_requests_and_says_so()
    {
        var (share, member, project) = await _world.AvailableShareAsync(sizeGiB: 5);

        var result = await _world.ProjectAdmin.SetQuotasAsync(_world.Admin, project.Id, Quotas(gigabytes: "3"));

        Assert.True(result.Succeeded);
        Assert.Contains("below current use for gigabytes (5 GiB in use)", result.Notice, StringComparison.Ordinal);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
        Assert.Contains("quota", (await _world.RequestShareAsync(member, project, "more", "1")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_are_added_by_email_with_a_new_account_when_needed_and_can_be_removed()
    {
        var project = (await _world.ProjectAdmin.CreateAsync(_world.Admin, "research", null)).Id!.Value;

        var added = await _world.ProjectAdmin.AddMemberAsync(_world.Admin, project, "carol@example.test");

        Assert.True(added.Succeeded, added.Error);
        Assert.Contains("first password is Zp7-", added.Notice, StringComparison.Ordinal);
        var member = Assert.Single(await _world.ProjectAdmin.MembersAsync(_world.Admin, project));
        Assert.Equal("carol@example.test", member.Email);
        Assert.Contains("already a member", (await _world.ProjectAdmin.AddMemberAsync(_world.Admin, project, "carol@example.test")).Error, StringComparison.Ordinal);
        Assert.True((await _world.ProjectAdmin.RemoveMemberAsync(_world.Admin, project, member.UserId)).Succeeded);
        Assert.Empty(await _world.ProjectAdmin.MembersAsync(_world.Admin, project));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("a b@example.test")]
    public async Task A_bad_member_email_is_refused(string email)
    {
        var project = (await _world.ProjectAdmin.CreateAsync(_world.Admin, "research", null)).Id!.Value;

        var result = await _world.ProjectAdmin.AddMemberAsync(_world.Admin, project, email);

        Assert.Equal("Enter the member's email address, like alice@example.com.", result.Errors[ProjectAdminService.EmailField]);
    }

    [Fact]
    public async Task Tenants_cannot_manage_projects()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");

        Assert.Equal("Only admins may manage projects.", (await _world.ProjectAdmin.SetQuotasAsync(member, project.Id, Quotas(gigabytes: "100000"))).Error);
        Assert.Equal("Only admins may manage projects.", (await _world.ProjectAdmin.CreateAsync(member, "mine", null)).Error);
        Assert.Empty(await _world.ProjectAdmin.ListAsync(member));
    }

    [Fact]
    public async Task A_projects_export_policy_is_set_checked_and_cleared()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");
        Assert.Null(await PolicyOfAsync(project.Id));

        var bad = await _world.ProjectAdmin.SetExportPolicyAsync(_world.Admin, project.Id, new ExportPolicyInput("10.0.0.0/33", "16", "48", false, false));
        Assert.Contains("from 0 to 32", bad.Errors[ExportPolicyInput.NetworksField], StringComparison.Ordinal);
        Assert.Null(await PolicyOfAsync(project.Id));

        Assert.True((await _world.ProjectAdmin.SetExportPolicyAsync(_world.Admin, project.Id, new ExportPolicyInput("10.1.0.0/16", "24", "64", false, false))).Succeeded);
        var policy = await PolicyOfAsync(project.Id);
        Assert.Equal(["10.1.0.0/16"], policy!.AllowedNetworks);
        Assert.Equal(24, policy.WidestIPv4Prefix);

        Assert.True((await _world.ProjectAdmin.SetExportPolicyAsync(_world.Admin, project.Id, null)).Succeeded);
        Assert.Null(await PolicyOfAsync(project.Id));
        Assert.Equal("Only admins may manage projects.", (await _world.ProjectAdmin.SetExportPolicyAsync(member, project.Id, null)).Error);
    }

    private async Task<ExportPolicy?> PolicyOfAsync(Guid projectId)
    {
        await using var db = _world.Db.CreateDbContext();
        return (await db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId)).ExportPolicy;
    }

    public void Dispose() => _world.Dispose();
}
