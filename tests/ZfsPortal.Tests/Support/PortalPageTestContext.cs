using System.Security.Claims;
using Bunit.TestDoubles;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// Whole pages over <see cref="TestWorld"/>'s real services and database, signed in as the world's admin
/// (or a member, see <see cref="SignIn"/>), with dialog and popover providers rendered as MainLayout does.
/// </summary>
public abstract class PortalPageTestContext : MudTestContext
{
    private readonly BunitAuthorizationContext _auth;

    protected PortalPageTestContext()
    {
        _auth = AddAuthorization();
        SignIn(World.Admin);
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(World.Db);
        Services.AddScoped<ProjectSelection>();
        Services.AddSingleton(World.Events);
        Services.AddSingleton(World.Approvals);
        Services.AddSingleton(World.AccessApprovals);
        Services.AddSingleton(World.Access);
        Services.AddSingleton(World.ProjectAdmin);
        Services.AddSingleton(World.ShareTypeAdmin);
        Services.AddSingleton(new ProjectQueries(World.Db));
        Services.AddSingleton(new AuditQueries(World.Db));
        Services.AddSingleton(new OperationQueries(World.Db));
        Services.AddSingleton(new BackendCatalog(World.Db));
        Services.AddSingleton(new ZfsPortal.Features.ShareTypes.ShareTypeQueries(World.Db));
        Services.AddSingleton(new ZfsPortal.Features.Usage.UsageQueries(World.Db, TimeProvider.System));
        // The share page and its panels.
        Services.AddSingleton(World.Queries);
        Services.AddSingleton(World.CreateShares);
        Services.AddSingleton(World.DeleteShares);
        Services.AddSingleton(World.Resize);
        Services.AddSingleton(World.Access);
        Services.AddSingleton(World.Snapshots);
        // The Drift page (issue 11).
        Services.AddSingleton(new ZfsPortal.Features.Drift.DriftQueries(World.Db));
        Services.AddSingleton(World.Reconciler);
        Services.AddSingleton(World.Adopt);
        Services.AddSingleton(World.Unmanage);
        Services.AddSingleton(new ZfsPortal.Features.Account.ApiTokens.ApiTokenService(World.Db, TimeProvider.System));
        Services.AddSingleton(World.Service<ZfsPortal.Features.Snapshots.Revert.RevertShareService>());
        Services.AddSingleton(World.Service<ZfsPortal.Features.Snapshots.Schedules.SnapshotPolicyService>());
        Interactive();
    }

    protected TestWorld World { get; } = new();

    protected void SignIn(CurrentUser user)
    {
        _auth.SetAuthorized(user.Name);
        _auth.SetRoles(user.IsAdmin ? Roles.Admin : Roles.Tenant);
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.UserId));
    }

    /// <summary>Renders the providers a page's dialogs and selects need, then the page.</summary>
    protected (IRenderedComponent<TPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage<TPage>(
        Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null) where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        RenderPopovers();
        var dialogs = Render<MudDialogProvider>();
        var page = parameters is null ? Render<TPage>() : Render<TPage>(parameters);
        return (page, dialogs);
    }

    /// <summary>The text around an input: its label, helper and error text.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> cut, string inputId) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"#{inputId}").Closest(".mud-input-control")!.TextContent;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            World.Dispose();
        base.Dispose(disposing);
    }
}
