using ZfsPortal.Api.Identity;
using ZfsPortal.Api.Manila;
using ZfsPortal.Api.Portal;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Features.Approvals;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Drift;
using ZfsPortal.Features.Drift.Adopt;
using ZfsPortal.Features.Drift.Unmanage;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Delete;
using ZfsPortal.Features.Shares.Edit;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Snapshots;
using ZfsPortal.Features.Usage;
using ZfsPortal.Features.Snapshots.Revert;
using ZfsPortal.Features.Snapshots.Schedules;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Hosting;

public static class PortalCore
{
    /// <summary>
    /// The portal without its web host: the features' services and the operation machinery. <see cref="PortalServices"/>
    /// and the tests' composition root both start from here, so neither keeps a list of its own.
    /// </summary>
    public static IServiceCollection AddPortalCore(this IServiceCollection services)
    {
        services.AddProvisioning();
        services.AddSingleton<BackendCatalog>();
        services.AddSingleton<Placement>();
        services.AddSingleton<ShareHosts>();
        services.AddSingleton<BackendSeed>();
        services.AddSingleton<BackendHealthChecker>();
        services.AddSingleton<BackendAdminService>();
        services.AddSingleton<CreateShareService>();
        services.AddSingleton<CreateShareRehearsal>();
        services.AddSingleton<DeleteShareService>();
        services.AddSingleton<ResizeShareService>();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<SnapshotPolicyService>();
        services.AddSingleton<SnapshotScheduleRunner>();
        services.AddSingleton<RevertShareService>();
        services.AddSingleton<AccessService>();
        services.AddSingleton<AccessApprovalService>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<UserManagerFactory>();
        services.AddSingleton<ProjectAdminService>();
        services.AddSingleton<ProjectQueries>();
        services.AddSingleton<ShareTypeAdminService>();
        services.AddSingleton<ShareTypeQueries>();
        services.AddSingleton<ShareQueries>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<OperationQueries>();
        services.AddScoped<ProjectSelection>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<ApiTokenValidator>();
        services.AddSingleton<EditShareService>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<DriftQueries>();
        services.AddSingleton<AdoptDatasetService>();
        services.AddSingleton<UnmanageShareService>();
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<UsageQueries>();
        services.AddManilaApi();
        services.AddKeystoneApi();
        services.AddPortalApi();
        return services;
    }
}
