using Hangfire;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Api.Identity;
using Microsoft.Extensions.Options;
using ZfsPortal.Api.Manila;
using ZfsPortal.Api.Monitoring;
using ZfsPortal.Api.Portal;
using ZfsPortal.Components;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Hosting;

public static class PortalApp
{
    /// <summary>Applies migrations and seeds before anything (Hangfire's workers included) starts.</summary>
    public static async Task PreparePortalAsync(this WebApplication app)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await using (var db = await factory.CreateDbContextAsync())
            {
                await PortalDatabase.MigrateAsync(db);
            }
            await scope.ServiceProvider.GetRequiredService<BackendSeed>().SeedAsync(CancellationToken.None);
            var logins = await scope.ServiceProvider.GetRequiredService<DemoSeed>().SeedAsync(CancellationToken.None);
            foreach (var login in logins)
                app.Logger.LogInformation("Demo login ({Role}): {Email} / {Password}", login.Role, login.Email, login.Password);
            // Before the first request, so that no tenant's click compiles EF Core's queries while holding the write lock.
            await scope.ServiceProvider.GetRequiredService<CreateShareRehearsal>().RunAsync(CancellationToken.None);
        }
        // Recovery was a Hangfire recurring job before Portal:RecoverySeconds; OperationRecoveryLoop runs it now.
        // From the container, not the static RecurringJob: that one uses JobStorage.Current, which need not be this portal's.
        app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists("recover-stranded-operations");
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.ServePages)
        {
            // A jobs-only node (docs/adr/0024): anyone who opens it reads where the portal is instead.
            app.MapFallback(() => Results.Text("This portal node runs jobs only (Portal:ServePages is false); open the portal on a node that serves pages.",
                statusCode: StatusCodes.Status404NotFound));
            return app;
        }
        // First, so that error pages and every page after them speak the request's language.
        app.UseRequestLocalization();
        app.UseErrorPages();
        app.UseManilaVersionsAtRoot();
        // Antiforgery after authentication: a token is bound to the signed-in user, so it must see who that is.
        app.UseAuthentication();
        app.UseAuthorization();
        // Before antiforgery, which makes reading the form throw once it has found a token invalid.
        app.UseSignInLimits();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapAccountEndpoints();
        app.MapLanguageEndpoint();
        app.MapManilaApi();
        app.MapOperatorEndpoints();
        app.MapKeystoneApi();
        app.MapPortalApi();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            // The endpoint policy below decides; Hangfire's default filter would allow only local requests.
            Authorization = [new AllowAuthenticatedAdmins()],
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(Roles.Admin);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    private sealed class AllowAuthenticatedAdmins : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
