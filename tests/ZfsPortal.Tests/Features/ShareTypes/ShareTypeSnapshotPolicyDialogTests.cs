using Bunit;
using MudBlazor;
using ZfsPortal.Data;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Snapshots.Schedules;

namespace ZfsPortal.Tests.Features.ShareTypes;

/// <summary>An admin sets, reads back and removes a share type's default snapshot schedule from the share types page.</summary>
public sealed class ShareTypeSnapshotPolicyDialogTests : PortalPageTestContext
{
    private SnapshotPolicyService Policies => World.Service<SnapshotPolicyService>();

    private IRenderedComponent<MudDialogProvider> OpenPolicyDialog(IRenderedComponent<ShareTypesAdminPage> page, IRenderedComponent<MudDialogProvider> dialogs)
    {
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=share-type-snapshot-policy]").HasAttribute("disabled")));
        page.Find("[data-testid=share-type-snapshot-policy]").Click();
        dialogs.WaitForElement("#type-policy-keep");
        return dialogs;
    }

    [Fact]
    public async Task A_cron_default_with_retention_is_saved_shown_on_the_page_and_a_bad_one_is_refused_at_its_field()
    {
        var (page, dialogs) = RenderPage<ShareTypesAdminPage>();
        page.WaitForAssertion(() => Assert.Contains("no schedule", page.Find("[data-testid=share-type-snapshot-policy]").TextContent, StringComparison.Ordinal));
        OpenPolicyDialog(page, dialogs);

        var kind = dialogs.FindComponent<MudSelect<ScheduleKind>>();
        await kind.InvokeAsync(() => kind.Instance.ValueChanged.InvokeAsync(ScheduleKind.Cron));
        dialogs.WaitForElement("#type-policy-cron").Input("every hour");
        dialogs.Find(".mud-dialog form").Submit();
        dialogs.WaitForAssertion(() => Assert.Contains("five fields", FieldText(dialogs, "type-policy-cron"), StringComparison.Ordinal));
        Assert.Null(await Policies.GetShareTypeDefaultAsync(World.DefaultType.Id));

        dialogs.Find("#type-policy-cron").Input("*/15 * * * *");
        dialogs.Find("#type-policy-zone").Input("Europe/Berlin");
        dialogs.Find("#type-policy-keep").Change("4");
        dialogs.Find(".mud-dialog form").Submit();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));

        var saved = await Policies.GetShareTypeDefaultAsync(World.DefaultType.Id);
        Assert.Equal((ScheduleKind.Cron, "*/15 * * * *", "Europe/Berlin", 4),
            (saved!.Kind, saved.CronExpression, saved.TimeZoneId, saved.RetentionCount));
        page.WaitForAssertion(() => Assert.Equal("*/15 * * * * (Europe/Berlin), keep 4",
            page.Find("[data-testid=share-type-snapshot-policy]").TextContent.Trim()));

        // Opened again, the form holds the saved default.
        OpenPolicyDialog(page, dialogs);
        Assert.Equal("*/15 * * * *", dialogs.Find("#type-policy-cron").GetAttribute("value"));
        Assert.Equal("4", dialogs.Find("#type-policy-keep").GetAttribute("value"));
    }

    [Fact]
    public async Task Switching_the_schedule_off_removes_the_default()
    {
        Assert.True((await Policies.SetForShareTypeAsync(World.Admin, World.DefaultType.Id,
            new SnapshotPolicyInput(ScheduleKind.Daily, 30, 2, DayOfWeek.Sunday, null, "UTC", 7))).Succeeded);
        var (page, dialogs) = RenderPage<ShareTypesAdminPage>();
        page.WaitForAssertion(() => Assert.Equal("30 2 * * * (UTC), keep 7", page.Find("[data-testid=share-type-snapshot-policy]").TextContent.Trim()));
        OpenPolicyDialog(page, dialogs);

        var on = dialogs.FindComponent<MudSwitch<bool>>();
        await on.InvokeAsync(() => on.Instance.ValueChanged.InvokeAsync(false));
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#type-policy-keep")));
        dialogs.Find(".mud-dialog form").Submit();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));

        Assert.Null(await Policies.GetShareTypeDefaultAsync(World.DefaultType.Id));
        page.WaitForAssertion(() => Assert.Contains("no schedule", page.Find("[data-testid=share-type-snapshot-policy]").TextContent, StringComparison.Ordinal));
    }
}
