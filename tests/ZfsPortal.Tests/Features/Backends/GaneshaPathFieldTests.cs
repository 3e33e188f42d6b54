using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ZfsPortal.Features.Backends;

namespace ZfsPortal.Tests.Features.Backends;

/// <summary>The backend form's GaneshaPath: shown for the ganesha helper only, checked as at start, saved and read back.</summary>
public sealed class GaneshaPathFieldTests : PortalPageTestContext
{
    private const string Field = "#backend-ganesha-path";

    private readonly BackendAdminService _service;

    public GaneshaPathFieldTests() => _service = new BackendAdminService(World.Db, new FakeBackendProbe(), TimeProvider.System);

    [Fact]
    public async Task The_field_appears_for_ganesha_refuses_a_relative_path_and_the_saved_path_comes_back_in_the_form()
    {
        RenderPopovers();
        var dialogs = Render<MudDialogProvider>();
        await OpenAsync(dialogs, null);
        Assert.Empty(dialogs.FindAll(Field)); // exportfs, the default, has no use for it
        Fill(dialogs, "#backend-name", "gan");
        Fill(dialogs, "#backend-host", "198.51.100.7");
        Fill(dialogs, "#backend-user", "zfsportal");
        Fill(dialogs, "#backend-key", "/keys/id");
        Fill(dialogs, "#backend-export-ip", "192.0.2.7");
        Fill(dialogs, "#backend-pools", "tank");

        var helper = dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "NFS helper");
        await helper.InvokeAsync(() => helper.Instance.ValueChanged.InvokeAsync("ganesha"));
        dialogs.WaitForElement(Field);
        Assert.Equal("/usr/local/sbin/zfsportal-ganesha", dialogs.Find(Field).GetAttribute("value")); // the default to start from

        Fill(dialogs, Field, "sbin/zfsportal-ganesha");
        dialogs.Find(".mud-dialog form").Submit(); // the dialog's Save button submits this form
        dialogs.WaitForAssertion(() => Assert.Contains("The ganesha helper's path must be absolute",
            FieldText(dialogs, "backend-ganesha-path"), StringComparison.Ordinal));
        Assert.DoesNotContain(await _service.ListAsync(World.Admin), b => b.Name == "gan"); // nothing saved; the dialog stays open to correct it

        Fill(dialogs, Field, "/opt/ganesha/bin/zfsportal-ganesha");
        dialogs.Find(".mud-dialog form").Submit(); // the dialog's Save button submits this form
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));

        var saved = Assert.Single(await _service.ListAsync(World.Admin), b => b.Name == "gan");
        Assert.Equal(("ganesha", "/opt/ganesha/bin/zfsportal-ganesha"), (saved.NfsHelper, saved.Input.GaneshaPath));
        await OpenAsync(dialogs, saved.Input);
        Assert.Equal("/opt/ganesha/bin/zfsportal-ganesha", dialogs.Find(Field).GetAttribute("value"));
    }

    [Fact]
    public async Task An_edit_of_another_field_keeps_the_ganesha_path()
    {
        var input = new BackendInput("gan", "198.51.100.7", "22", "zfsportal", "/keys/id", "192.0.2.7", "", "tank", "zfsportal_share_",
            "zfsportal_snap_", "", "ganesha", "/usr/sbin/zfs", "/usr/sbin/zpool", "/usr/sbin/exportfs", "/usr/bin/sudo", GaneshaPath: "/opt/g/helper");
        var id = (await _service.CreateAsync(World.Admin, input)).Id!.Value;

        Assert.True((await _service.UpdateAsync(World.Admin, id, input with { Pools = "tank, fast" })).Succeeded);

        Assert.Equal("/opt/g/helper", Assert.Single(await _service.ListAsync(World.Admin), b => b.Name == "gan").Input.GaneshaPath);
    }

    private async Task OpenAsync(IRenderedComponent<MudDialogProvider> dialogs, BackendInput? existing)
    {
        var parameters = new DialogParameters<BackendDialog>
        {
            { d => d.Existing, existing },
            { d => d.Submit, input => existing is null ? _service.CreateAsync(World.Admin, input) : Task.FromResult(ZfsPortal.Features.Common.CommandResult.Refused("no")) },
        };
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<BackendDialog>("Backend", parameters));
        dialogs.WaitForElement("#backend-name");
    }

    private static void Fill(IRenderedComponent<MudDialogProvider> dialogs, string selector, string value) => dialogs.Find(selector).Input(value);
}
