using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ZfsPortal.Features.Approvals;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Snapshots;

namespace ZfsPortal.Tests.Features.Common;

/// <summary>
/// Every text field the portal shows tells the browser its limit (maxlength), so that more is refused before it is
/// sent: a field without one carries whatever is pasted into it over the circuit, and a message over SignalR's limit
/// ends the circuit.
/// </summary>
public sealed class InputLimitsTests : PortalPageTestContext
{
    /// <summary>
    /// The most a field may take so that its text cannot make a message over SignalR's default limit (32 KB) even if
    /// every character is sent as a six-byte JSON escape, with room for the rest of the message.
    /// </summary>
    private const int SafeLength = (32 * 1024 - 1024) / 6;

    private static readonly Func<CommandResult> Refused = () => CommandResult.Refused("no");
    private IRenderedComponent<MudDialogProvider>? _dialogs;

    /// <summary>
    /// The ids of the text inputs and text areas among <paramref name="fields"/> whose maxlength is missing or too large
    /// (MudBlazor's default is 524288).
    /// </summary>
    private static List<string> Unlimited(IEnumerable<IElement> fields) =>
    [
        .. fields
            .Where(f => f.GetAttribute("type") is not ("hidden" or "checkbox" or "radio") && !f.HasAttribute("readonly"))
            .Where(f => !int.TryParse(f.GetAttribute("maxlength"), out var max) || max > SafeLength)
            .Select(f => $"{f.Id ?? f.OuterHtml} (maxlength {f.GetAttribute("maxlength") ?? "none"})"),
    ];

    private async Task<List<string>> DialogFieldsWithoutLimitAsync<TDialog>(DialogParameters<TDialog> parameters) where TDialog : IComponent
    {
        if (_dialogs is null)
        {
            RenderPopovers();
            _dialogs = Render<MudDialogProvider>();
        }
        var dialog = await _dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("Dialog", parameters));
        _dialogs.WaitForElement(".mud-dialog");
        var unlimited = Unlimited(_dialogs.FindAll(".mud-dialog input, .mud-dialog textarea"));
        await _dialogs.InvokeAsync(() => dialog.Close());
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll(".mud-dialog")));
        return unlimited;
    }

    [Fact]
    public async Task The_share_type_dialog_limits_its_fields() =>
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<ShareTypeDialog>
            { { d => d.Submit, _ => Task.FromResult(Refused()) } }));

    [Fact]
    public async Task The_backend_dialog_limits_its_fields() =>
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<BackendDialog>
            { { d => d.Submit, _ => Task.FromResult(Refused()) } }));

    [Fact]
    public async Task The_share_type_snapshot_policy_dialog_limits_its_fields() =>
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<ShareTypeSnapshotPolicyDialog>
        {
            { d => d.TypeName, "default" },
            { d => d.Existing, new(ZfsPortal.Data.ScheduleKind.Cron, 0, 0, DayOfWeek.Sunday, "0 * * * *", "UTC", 3) },
            { d => d.Submit, _ => Task.FromResult(Refused()) },
        }));

    [Fact]
    public async Task The_resize_dialog_limits_its_field() =>
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<ResizeDialog>
            { { d => d.CurrentSize, 5 }, { d => d.Grow, true }, { d => d.Submit, _ => Task.FromResult(Refused()) } }));

    [Fact]
    public async Task The_share_from_snapshot_dialog_limits_its_fields() =>
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<ShareFromSnapshotDialog>
            { { d => d.SizeGiB, 5 }, { d => d.Submit, (_, _) => Task.FromResult(Refused()) } }));

    [Fact]
    public async Task The_snapshot_reject_and_new_project_dialogs_limit_their_fields()
    {
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<CreateSnapshotDialog>
            { { d => d.Submit, (_, _) => Task.FromResult(Refused()) } }));
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<RejectDialog>
            { { d => d.Submit, _ => Task.FromResult(Refused()) } }));
        Assert.Empty(await DialogFieldsWithoutLimitAsync(new DialogParameters<NewProjectDialog>
            { { d => d.Submit, (_, _) => Task.FromResult(Refused()) } }));
    }

    [Fact]
    public void The_new_share_form_limits_its_fields()
    {
        RenderPopovers();
        var form = Render<CreateShareForm>(ps => ps
            .Add(p => p.ShareTypes, [])
            .Add(p => p.ProjectId, Guid.NewGuid())
            .Add(p => p.Submit, _ => Task.FromResult(Refused())));

        Assert.Empty(Unlimited(form.FindAll("input, textarea")));
    }

    [Fact]
    public async Task The_share_page_limits_the_access_target()
    {
        var (share, _, _) = await World.AvailableShareAsync();
        var (page, _) = RenderPage<SharePage>(ps => ps.Add(p => p.Id, share.Id));

        page.WaitForElement("#access-target");
        Assert.Empty(Unlimited(page.FindAll("input, textarea")));
    }

    [Fact]
    public void The_project_page_limits_the_member_email_and_the_quotas()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var (page, _) = RenderPage<ProjectAdminPage>(ps => ps.Add(p => p.Id, project.Id));

        page.WaitForElement("#member-email");
        Assert.Empty(Unlimited(page.FindAll("input, textarea")));
    }

    [Fact]
    public void The_shares_search_box_is_limited()
    {
        var (_, member) = World.AddProjectWithMember("alpha");
        SignIn(member);
        var (page, _) = RenderPage<SharesPage>();

        page.WaitForElement("#shares-search");
        Assert.Empty(Unlimited(page.FindAll("input, textarea")));
    }

    [Fact]
    public void The_audit_search_box_is_limited()
    {
        var (page, _) = RenderPage<AuditLogPage>();

        page.WaitForElement("#audit-search");
        Assert.Empty(Unlimited(page.FindAll("input, textarea")));
    }
}
