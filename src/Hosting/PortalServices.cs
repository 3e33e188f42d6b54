using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using ZfsPortal.Api.Authentication;
using ZfsPortal.Api.Monitoring;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Approvals;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Snapshots;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Hosting;

public static class PortalServices
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var dataDir = portal.ResolveDataDirectory(builder.Environment.ContentRootPath);
        if (!portal.RunJobs && !portal.ServePages)
            throw new InvalidOperationException("Portal:RunJobs and Portal:ServePages are both false: this node would do nothing; set one to true.");
        Directory.CreateDirectory(dataDir);

        services.AddSingleton(TimeProvider.System);
        services.AddPortalDatabase(portal, dataDir);
        services.AddStorage(builder.Configuration);

        services.AddIdentityCore<PortalUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.User.RequireUniqueEmail = true;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddErrorDescriber<ZfsPortal.Features.Account.PortalIdentityErrors>()
            .AddSignInManager();
        // Identity's stores take the DbContext from the scope; jobs and components use the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        var authentication = services.AddAuthentication(IdentityConstants.ApplicationScheme);
        authentication.AddIdentityCookies();
        // Only the API's endpoints ask for this scheme; the browser's pages stay on the cookie.
        authentication.AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
        });
        services.AddAuthorizationBuilder().AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
        services.AddCascadingAuthenticationState();

        // This portal's own storage and job activator, registered before AddHangfire (which only adds what is missing): by
        // default both come from Hangfire's process-wide JobStorage.Current and JobActivator.Current, which the last portal to
        // configure Hangfire in the process owns. A test portal that started while another one configured Hangfire ran its
        // jobs with the other's services and database: the claim found no such operation and the share stayed creating.
        services.AddSingleton(_ => PortalDatabase.PortalJobStorage(portal, dataDir));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (portal.RunJobs)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = portal.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
            // Started before the recovery (hosted services start in order), which offers it the stranded operations.
            services.AddSingleton<OperationDispatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<OperationDispatcher>());
            services.AddSingleton<HangfireBackstops>();
            services.AddHostedService(sp => sp.GetRequiredService<HangfireBackstops>());
            services.AddHostedService<OperationRecoveryLoop>();
            services.AddHostedService<BackendHealthMonitor>();
            services.AddHostedService<ZfsPortal.Features.Drift.ReconcileMonitor>();
            services.AddHostedService<Features.Snapshots.Schedules.SnapshotScheduleLoop>();
        }

        services.AddPortalCore();
        services.AddScoped<DemoSeed>();

        // Bottom right: at the top right, snackbars cover the share page's Extend/Shrink/Delete buttons.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddPortalLocalization();
        services.AddAccount();
        services.AddOperatorEndpoints();
        return builder;
    }
}
