using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Features.ShareTypes;

public sealed class ShareTypeAdminTests : IDisposable
{
    private readonly TestWorld _world = new();

    private static ShareTypeInput Input(string name = "fast", string properties = "", bool isPublic = true, IReadOnlyList<Guid>? projects = null,
        string min = "1", string max = "100") =>
        new(name, "fast shares", isPublic, projects ?? [], true, true, false, null, min, max, ApprovalPolicy.Never, null, properties);

    [Theory]
    [InlineData("mountpoint=/x", "'mountpoint' is not a property share types may set")]
    [InlineData("quota=1T", "'quota' is not a property share types may set")]
    [InlineData("dedup=maybe", "'maybe' is not a valid value for dedup")]
    [InlineData("compression", "is not of the form property=value")]
    [InlineData("recordsize=3K", "'3K' is not a valid value for recordsize")]
    public async Task Dataset_properties_outside_the_allow_list_are_refused_with_a_message(string properties, string message)
    {
        var result = await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input(properties: properties));

        Assert.Contains(message, result.Errors[ShareTypeAdminService.PropertiesField], StringComparison.Ordinal);
        Assert.Single(await _world.ShareTypeAdmin.ListAsync(_world.Admin));
    }

    [Fact]
    public async Task Allowed_properties_are_saved_and_used_when_shares_are_created()
    {
        var created = await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input(properties: "compression=gzip-6\natime=off recordsize=1M"));
        Assert.True(created.Succeeded, created.Error);
        var (project, member) = _world.AddProjectWithMember("alpha");

        var share = await _world.RequestShareAsync(member, project, "logs", "2", created.Id);
        await _world.RunQueuedJobsAsync();

        var onHost = _world.Fake.Properties(_world.Share(share.Id!.Value).Dataset!)!;
        Assert.Equal(("gzip-6", "off", "1M"), (onHost["compression"], onHost["atime"], onHost["recordsize"]));
    }

    [Fact]
    public async Task A_type_limited_to_a_project_is_offered_only_there()
    {
        var (alpha, alphaMember) = _world.AddProjectWithMember("alpha");
        var (beta, betaMember) = _world.AddProjectWithMember("beta");
        var id = (await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input(isPublic: false, projects: [alpha.Id]))).Id!.Value;
        var queries = new ShareTypeQueries(_world.Db);

        Assert.Contains(await queries.ListForProjectAsync(alpha.Id), t => t.Id == id);
        Assert.DoesNotContain(await queries.ListForProjectAsync(beta.Id), t => t.Id == id);
        Assert.True((await _world.RequestShareAsync(alphaMember, alpha, "ok", "1", id)).Succeeded);
        Assert.Contains("not available to this project", (await _world.RequestShareAsync(betaMember, beta, "no", "1", id)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retired_type_is_no_longer_offered_but_its_shares_keep_working()
    {
        var id = (await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input())).Id!.Value;
        var (share, member, project) = await _world.AvailableShareAsync();

        Assert.True((await _world.ShareTypeAdmin.SetRetiredAsync(_world.Admin, id, retired: true)).Succeeded);

        Assert.DoesNotContain(await new ShareTypeQueries(_world.Db).ListForProjectAsync(project.Id), t => t.Id == id);
        Assert.False((await _world.RequestShareAsync(member, project, "new", "1", id)).Succeeded);
        Assert.True((await _world.Resize.ExtendAsync(member, share.Id, "6")).Succeeded);
    }

    [Fact]
    public async Task Sizes_and_names_are_checked()
    {
        var result = await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input(name: "default", min: "10", max: "5"));

        Assert.Equal("A share type named 'default' exists already.", result.Errors[ShareTypeAdminService.NameField]);
        Assert.Equal("The largest size (5 GiB) is below the smallest (10 GiB).", result.Errors[ShareTypeAdminService.MaxField]);
    }

    [Fact]
    public async Task The_default_type_cannot_be_retired() =>
        Assert.Contains("cannot be retired", (await _world.ShareTypeAdmin.SetRetiredAsync(_world.Admin, _world.DefaultType.Id, true)).Error,
            StringComparison.Ordinal);

    [Fact]
    public async Task A_new_type_gets_the_default_export_policy_and_an_edit_without_one_keeps_the_types()
    {
        var id = (await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input())).Id!.Value;
        Assert.Equal(ExportPolicy.Default, await PolicyOfAsync(id));

        var withPolicy = Input() with { ExportPolicy = new("192.0.2.0/24", "24", "64", NoRootSquashAllowed: true, WiderNeedsApproval: true) };
        Assert.True((await _world.ShareTypeAdmin.UpdateAsync(_world.Admin, id, withPolicy)).Succeeded);
        Assert.True((await _world.ShareTypeAdmin.UpdateAsync(_world.Admin, id, Input())).Succeeded);

        Assert.Equal(new ExportPolicy { AllowedNetworks = ["192.0.2.0/24"], WidestIPv4Prefix = 24, WidestIPv6Prefix = 64,
            NoRootSquashAllowed = true, WiderNeedsApproval = true }, await PolicyOfAsync(id));
    }

    [Fact]
    public async Task A_bad_export_policy_is_refused_at_its_field_and_saves_nothing()
    {
        var result = await _world.ShareTypeAdmin.CreateAsync(_world.Admin, Input() with { ExportPolicy = new("192.0.2.1/24", "40", "48", false, false) });

        Assert.Contains("did you mean 192.0.2.0/24?", result.Errors[ExportPolicyInput.NetworksField], StringComparison.Ordinal);
        Assert.Contains("from 0 to 32", result.Errors[ExportPolicyInput.IPv4Field], StringComparison.Ordinal);
        Assert.Single(await _world.ShareTypeAdmin.ListAsync(_world.Admin));
    }

    private async Task<ExportPolicy> PolicyOfAsync(Guid id) => (await _world.ShareTypeAdmin.ListAsync(_world.Admin)).Single(t => t.Id == id).ExportPolicy;

    public void Dispose() => _world.Dispose();
}
