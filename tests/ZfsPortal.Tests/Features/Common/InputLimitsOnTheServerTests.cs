using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Features.Common;

/// <summary>
/// The limits the forms give the browser hold in the services too, for whatever sends text without a form (a changed
/// page, the API later): text over a limit is refused with a sentence at its field and changes nothing.
/// </summary>
public sealed class InputLimitsOnTheServerTests : IDisposable
{
    private readonly TestWorld _world = new();

    private static string Longer(int limit) => new('a', limit + 1);

    [Fact]
    public async Task A_project_description_over_the_limit_is_refused_at_its_field()
    {
        var result = await _world.ProjectAdmin.CreateAsync(_world.Admin, "alpha", Longer(UserInput.MaxDescriptionLength));

        Assert.Contains($"at most {UserInput.MaxDescriptionLength} characters", result.Errors["Description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_share_type_description_or_property_list_over_the_limit_is_refused_at_its_field()
    {
        var result = await _world.ShareTypeAdmin.CreateAsync(_world.Admin, new ShareTypeInput("fast", Longer(UserInput.MaxDescriptionLength),
            IsPublic: true, [], SnapshotSupport: true, CreateShareFromSnapshotSupport: false, CloneFromSnapshot: false, null, "1", "10",
            ApprovalPolicy.Never, null, Longer(UserInput.MaxTextLength)));

        Assert.Contains("at most", result.Errors[ShareTypeAdminService.DescriptionField], StringComparison.Ordinal);
        Assert.Contains($"at most {UserInput.MaxTextLength} characters", result.Errors[ShareTypeAdminService.PropertiesField], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_field_over_the_limit_is_refused_at_its_field()
    {
        var service = new BackendAdminService(_world.Db, new FakeBackendProbe(), TimeProvider.System);
        var input = new BackendInput("east", "198.51.100.1", "22", "zfsportal", "/keys/" + Longer(UserInput.MaxLineLength), "192.0.2.10", "",
            "tank", "zfsportal_share_", "zfsportal_snap_", "", "exportfs", "/usr/sbin/zfs", "/usr/sbin/zpool", "/usr/sbin/exportfs", "/usr/bin/sudo");

        var result = await service.CreateAsync(_world.Admin, input);

        Assert.Contains($"at most {UserInput.MaxLineLength} characters", result.Errors[BackendAdminService.KeyField], StringComparison.Ordinal);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void A_search_longer_than_the_box_is_cut_as_the_box_cuts_it() =>
        Assert.Equal("%" + new string('a', UserInput.MaxSearchLength) + "%", SearchPattern.Contains(Longer(10 * UserInput.MaxSearchLength)));

    public void Dispose() => _world.Dispose();
}
