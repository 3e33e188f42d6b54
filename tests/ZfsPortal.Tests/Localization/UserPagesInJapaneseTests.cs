using Bunit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Components;
using ZfsPortal.Components.Layout;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Shares.Create;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Issue 17 point 3: each user-facing page and component, rendered in Japanese, shows no English and looks up no
/// text that has no Japanese. The admin pages keep their list in their own file, on the same base class.
/// </summary>
public sealed class UserPagesInJapaneseTests : JapanesePageTestContext
{
    private static readonly JapaneseCase[] Cases =
    [
        new("navigation menu (tenant)", c =>
        {
            var (_, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member);
            return Task.FromResult(new Shown(c.RenderOne<NavMenu>().Markup, []));
        }),
        new("connection banners", c => Task.FromResult(new Shown(c.RenderOne<ConnectionBanners>().Markup, []))),
        new("project switcher without a project", c =>
        {
            c.SignInAs(new CurrentUser("nobody", "nobody@example.test", IsAdmin: false));
            return Task.FromResult(new Shown(c.RenderOne<ProjectSwitcher>().Markup, []));
        }),
        new("shares page with no shares yet", c =>
        {
            var (project, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member);
            var (page, _) = c.Open<SharesPage>();
            page.WaitForElement("[data-testid=shares-empty]");
            return Task.FromResult(new Shown(page.Markup, [project.Name]));
        }),
        new("shares page listing a share", async c =>
        {
            var (share, member, project) = await c.Seed.AvailableShareAsync();
            c.SignInAs(member);
            var (page, _) = c.Open<SharesPage>();
            page.WaitForElement("[data-testid=share-row]");
            return new Shown(page.Markup, [share.Name, project.Name, share.ExportLocation!]);
        }),
        new("new share page and its form", c =>
        {
            var (project, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member);
            var (page, _) = c.Open<CreateSharePage>();
            page.WaitForElement("[data-testid=create-share-submit]");
            return Task.FromResult(new Shown(page.Markup, [project.Name, c.Seed.DefaultType.Name, c.Seed.DefaultType.Description ?? ""]));
        }),
        new("new share page refusing a size over the quota", c =>
        {
            var (project, member) = c.Seed.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
            c.SignInAs(member);
            var (page, _) = c.Open<CreateSharePage>();
            page.WaitForElement("[data-testid=create-share-submit]");
            page.Find("#share-name").Input("zfsvol");
            page.Find("#share-size").Input("11");
            page.Find("form").Submit();
            // The service's refusal, made in the reader's language (Sentences.ja.resx).
            page.WaitForAssertion(() => Assert.Contains("クォータ", page.Find(".mud-input-error").TextContent, StringComparison.Ordinal));
            Assert.Empty(c.Seed.Scheduler.Enqueued);
            return Task.FromResult(new Shown(page.Markup, [project.Name, c.Seed.DefaultType.Name, c.Seed.DefaultType.Description ?? "", "zfsvol"]));
        }),
        new("share page of a share whose create failed on the host", async c =>
        {
            var (project, member) = c.Seed.AddProjectWithMember("alpha");
            var requested = await c.Seed.RequestShareAsync(member, project, "zfsvol", "5");
            c.Seed.Fake.FailNext(new ZfsPortal.Storage.StorageHostException(ZfsPortal.Storage.StorageFailure.CommandFailed, "cannot create: out of space"));
            await c.Seed.RunQueuedJobsAsync();
            var share = c.Seed.Share(requested.Id!.Value);
            Assert.Equal(ShareStatus.Error, share.Status);
            c.SignInAs(member);
            var (page, _) = c.Open<SharePage>(ps => ps.Add(p => p.Id, share.Id));
            page.WaitForElement("[data-testid=share-message]");
            // The stored status message in Japanese; only the host's own words stay as it said them.
            Assert.Matches("[\u3040-\u30ff\u4e00-\u9fff]", page.Find("[data-testid=share-message]").TextContent);
            return new Shown(page.Markup, [share.Name, project.Name, c.Seed.DefaultType.Name, c.Seed.Backend.Name, "cannot create: out of space",
                .. c.Seed.Backend.Pools]);
        }),
        new("share page of an available share with a rule and a snapshot", async c =>
        {
            var (page, _, values) = await SharePageAsync(c);
            return new Shown(page.Markup, values, UsagePanel);
        }),
        SharePageDialog("share page's delete question", "share-delete"),
        SharePageDialog("share page's extend dialog", "share-extend", "resize-size"),
        SharePageDialog("share page's take-a-snapshot dialog", "snapshot-create", "snapshot-name"),
        SharePageDialog("share page's new-share-from-snapshot dialog", "snapshot-new-share", "from-snapshot-name"),
        SharePageDialog("share page's deny-access question", "access-deny"),
        SharePageDialog("share page's revert question", "snapshot-revert"),
        SharePageDialog("share page's delete-snapshot question", "snapshot-delete"),
        new("user menu, open", c =>
        {
            var (_, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member);
            var popovers = c.RenderOne<MudBlazor.MudPopoverProvider>();
            c.RenderOne<UserMenu>().Find("button").Click();
            popovers.WaitForElement("[data-testid=language-ja]");
            return Task.FromResult(new Shown(popovers.Markup, [member.Name]));
        }),
        new("access rules waiting for an admin, and the reject dialog", async c =>
        {
            c.Seed.SetExportPolicy(ExportPolicy.Default with { WiderNeedsApproval = true });
            var (share, member, project) = await c.Seed.AvailableShareAsync();
            Assert.True((await c.Seed.Access.AllowAsync(member, share.Id, "10.0.0.0/8", "rw")).Succeeded);
            var (panel, dialogs) = c.Open<PendingAccessRules>();
            panel.WaitForElement("[data-testid=access-approval-row]");
            var why = panel.Find("[data-testid=access-approval-list] tbody td:nth-child(5)").TextContent.Trim();
            panel.Find("[data-testid=access-approval-reject]").Click();
            dialogs.WaitForElement(".mud-dialog #reject-rule-reason");
            return new Shown(panel.Markup + dialogs.Markup, [share.Name, project.Name, member.Name, "10.0.0.0/8", why]);
        }),
        new("export policy fields that admit the world", c =>
        {
            var model = new ExportPolicyModel { AllowedNetworks = "", WidestIPv4Prefix = "0", WidestIPv6Prefix = "0" };
            var fields = c.RenderOne<ExportPolicyFields>(ps => ps.Add(p => p.Model, model));
            Assert.NotEmpty(fields.FindAll("[data-testid=export-policy-world]"));
            return Task.FromResult(new Shown(fields.Markup, []));
        }),
        new("share page of a share that does not exist", c =>
        {
            var (page, _) = c.Open<SharePage>(ps => ps.Add(p => p.Id, Guid.NewGuid()));
            page.WaitForElement(".mud-alert");
            return Task.FromResult(new Shown(page.Markup, []));
        }),
        new("API tokens page", c =>
        {
            var (page, _) = c.Open<ApiTokensPage>();
            page.WaitForElement("[data-testid=tokens-table]");
            return Task.FromResult(new Shown(page.Markup, ["X-Auth-Token"]));
        }),
        new("sign-in page after a failed attempt", c =>
        {
            c.GoTo("/account/login?error=failed");
            var login = c.RenderOne<Login>();
            return Task.FromResult(new Shown(login.Markup, []));
        }),
        new("change-password page", c =>
            Task.FromResult(new Shown(c.RenderOne<ChangePassword>(ps => ps.AddCascadingValue(new DefaultHttpContext())).Markup, []))),
        new("change-password page after a change", c =>
        {
            c.GoTo("/account/password?changed=true");
            var page = c.RenderOne<ChangePassword>(ps => ps.AddCascadingValue(new DefaultHttpContext()));
            Assert.NotEmpty(page.FindAll("[data-testid=password-changed]"));
            return Task.FromResult(new Shown(page.Markup, []));
        }),
        new("API reference page", c =>
        {
            var page = c.RenderOne<ZfsPortal.Api.Portal.ApiReferencePage>();
            Assert.Equal(2, page.FindAll("[data-testid=api-group]").Count);
            // Keystone and its method names (password, token) are what a client sends, as they are.
            return Task.FromResult(new Shown(page.Markup, ["Portal v1", "Keystone v3 (subset)", "Keystone", "password", "token", "GET", "POST", "X-OpenStack-Manila-API-Version"]));
        }),
        new("access denied page", c =>
        {
            var denied = c.RenderOne<AccessDenied>(ps => ps.AddCascadingValue(new DefaultHttpContext()));
            return Task.FromResult(new Shown(denied.Markup, []));
        }),
        new("error page", c => Task.FromResult(new Shown(c.RenderOne<ErrorPage>(ps => ps.AddCascadingValue(new DefaultHttpContext())).Markup, []))),
        new("not-found page", c =>
            Task.FromResult(new Shown(c.RenderOne<ErrorPage>(ps => ps.AddCascadingValue(new DefaultHttpContext()).Add(p => p.Code, 404)).Markup, []))),
    ];

    // The usage panel on the share page is the Usage feature's, checked with the admin pages' list.
    private static readonly string[] UsagePanel = ["[data-testid=share-usage]"];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    // The change-password page injects Identity's managers, which it uses only when the form is posted; the context
    // has them only behind the world's UserManagerFactory.
    public UserPagesInJapaneseTests() => Services.AddFallbackServiceProvider(new ServiceCollection()
        .AddSingleton(_ => World.Service<ZfsPortal.Features.Projects.UserManagerFactory>().Create().Users)
        .AddSingleton(sp => SignInManagerOver(sp.GetRequiredService<UserManager<PortalUser>>()))
        .AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(
            // Two of the portal's own endpoints, as the API reference page reads them (their summaries are the code's).
            Endpoint("/api/v1/operations/{id:guid}", "GET", "Portal v1", "One operation with its recorded steps and the host commands it ran."),
            Endpoint("/identity/v3/auth/tokens", "POST", "Keystone v3 (subset)", "Make a token from a password or a token (Keystone's password and token methods).")))
        .BuildServiceProvider());

    private static RouteEndpoint Endpoint(string pattern, string method, string tag, string summary) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0,
            new EndpointMetadataCollection(new HttpMethodMetadata([method]), new TagsAttribute(tag), new EndpointSummaryAttribute(summary)), pattern);

    private static SignInManager<PortalUser> SignInManagerOver(UserManager<PortalUser> users)
    {
        var identity = Options.Create(new IdentityOptions());
        return new SignInManager<PortalUser>(users, new HttpContextAccessor(), new UserClaimsPrincipalFactory<PortalUser>(users, identity), identity,
            NullLogger<SignInManager<PortalUser>>.Instance, new AuthenticationSchemeProvider(Options.Create(new AuthenticationOptions())),
            new DefaultUserConfirmation<PortalUser>());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public Task Shows_only_Japanese(string name) => AssertAllJapaneseAsync(Cases.Single(c => c.Name == name));

    /// <summary>The share page's dialog that <paramref name="button"/> opens; <paramref name="field"/> is an input it fills in itself.</summary>
    private static JapaneseCase SharePageDialog(string name, string button, string? field = null) => new(name, async c =>
    {
        var (page, dialogs, values) = await SharePageAsync(c);
        page.Find($"[data-testid={button}]").Click();
        dialogs.WaitForElement(field is null ? ".mud-dialog" : $".mud-dialog #{field}");
        return new Shown(dialogs.Markup, field is null ? values : [.. values, dialogs.Find($"#{field}").GetAttribute("value") ?? ""]);
    });

    /// <summary>An available share with an active rule, a snapshot and a finished operation, open on its page as its member.</summary>
    private static async Task<(IRenderedComponent<SharePage> Page, IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs, string[] Values)> SharePageAsync(
        JapanesePageTestContext c)
    {
        var world = c.Seed;
        var (share, member, project) = await world.AvailableShareAsync();
        Assert.True((await world.Access.AllowAsync(member, share.Id, "192.0.2.0/24", "rw")).Succeeded);
        Assert.True((await world.Snapshots.CreateAsync(member, share.Id, "before-upgrade", null)).Succeeded);
        await world.RunQueuedJobsAsync();
        c.SignInAs(member);
        var (page, dialogs) = c.Open<SharePage>(ps => ps.Add(p => p.Id, share.Id));
        page.WaitForElement("[data-testid=snapshot-row]");
        share = world.Share(share.Id);
        string[] snapshotNames;
        using (var db = world.Db.CreateDbContext())
            snapshotNames = [.. db.Snapshots.Where(s => s.ShareId == share.Id).Select(s => s.ZfsName)];
        string[] values = [share.Name, project.Name, share.ExportLocation!, share.Dataset!, world.DefaultType.Name, world.Backend.Name,
            "before-upgrade", "192.0.2.0/24", .. snapshotNames];
        return (page, dialogs, values);
    }
}
