using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Approvals;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Delete;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Snapshots;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support;

/// <summary>Schedules nothing; remembers what was handed to it so a test can run the job itself.</summary>
public sealed class RecordingScheduler : IOperationScheduler
{
    private readonly List<Guid> _enqueued = [];
    private readonly Queue<Guid> _pending = new();

    /// <summary>Every id ever queued, in order.</summary>
    public IReadOnlyList<Guid> Enqueued { get { lock (_enqueued) return [.. _enqueued]; } }

    public void Enqueue(Guid operationId)
    {
        lock (_enqueued)
        {
            _enqueued.Add(operationId);
            _pending.Enqueue(operationId);
        }
    }

    public void EnqueueAfter(Guid operationId, TimeSpan delay) => Enqueue(operationId);

    /// <summary>Takes the ids queued since the last drain.</summary>
    public IReadOnlyList<Guid> Drain()
    {
        lock (_enqueued)
        {
            var ids = _pending.ToList();
            _pending.Clear();
            return ids;
        }
    }
}

/// <summary>
/// The portal's services wired over a real SQLite database and a storage host of the test's choice,
/// with helpers that read like the situation a test sets up.
/// </summary>
public sealed class TestWorld : IDisposable
{
    public TestWorld(IStorageHostFactory? hosts = null, BackendOptions? backend = null)
    {
        Fake = new FakeStorageHost(backend);
        Hosts = hosts ?? Fake;
        Backend = backend ?? Fake.Backend;
        AddBackend(Backend);
        _identity = new Lazy<ServiceProvider>(BuildIdentity);
        _services = BuildServices();
        CreateShares = Get<CreateShareService>();
        DeleteShares = Get<DeleteShareService>();
        Resize = Get<ResizeShareService>();
        Snapshots = Get<SnapshotService>();
        Access = Get<AccessService>();
        AccessApprovals = Get<AccessApprovalService>();
        Queries = Get<ShareQueries>();
        Approvals = Get<ApprovalService>();
        ShareTypeAdmin = Get<ShareTypeAdminService>();
        ProjectAdmin = Get<ProjectAdminService>();
        Placement = Get<Placement>();
        Events = Get<ShareEvents>();
        Job = Get<OperationJob>();
        DefaultType = AddShareType("default", t => t.IsDefault = true);
    }

    public TestDatabase Db { get; } = new();

    /// <summary>No capacity reserve, so that placement arithmetic in tests is the pool's own.</summary>
    public PortalOptions Portal { get; } = new() { CapacityReservePercent = 0 };
    public FakeStorageHost Fake { get; }
    public IStorageHostFactory Hosts { get; }
    public BackendOptions Backend { get; }
    public RecordingScheduler Scheduler { get; } = new();
    public ShareEvents Events { get; }
    public CreateShareService CreateShares { get; }
    public DeleteShareService DeleteShares { get; }
    public ResizeShareService Resize { get; }
    public SnapshotService Snapshots { get; }
    public AccessService Access { get; }
    public AccessApprovalService AccessApprovals { get; }
    public ShareQueries Queries { get; }
    public ApprovalService Approvals { get; }
    public ShareTypeAdminService ShareTypeAdmin { get; }
    public ProjectAdminService ProjectAdmin { get; }
    public Placement Placement { get; }

    private readonly Lazy<ServiceProvider> _identity;
    private readonly ServiceProvider _services;

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The reconciler and the admin's drift actions (issue 11).</summary>
    public ZfsPortal.Features.Drift.Reconciler Reconciler => Get<ZfsPortal.Features.Drift.Reconciler>();
    public ZfsPortal.Features.Drift.Adopt.AdoptDatasetService Adopt => Get<ZfsPortal.Features.Drift.Adopt.AdoptDatasetService>();
    public ZfsPortal.Features.Drift.Unmanage.UnmanageShareService Unmanage => Get<ZfsPortal.Features.Drift.Unmanage.UnmanageShareService>();
    /// <summary>Any of the portal's services, as the world composed it.</summary>
    public T Service<T>() where T : notnull => Get<T>();

    /// <summary>The portal's own registrations (handlers included), over this world's database, host and scheduler.</summary>
    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore();
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(Db);
        services.AddSingleton(Hosts);
        services.AddSingleton<IOperationScheduler>(Scheduler);
        services.AddSingleton(Options.Create(Portal));
        services.AddSingleton(new UserManagerFactory(new LazyScopes(_identity)));
        return services.BuildServiceProvider();
    }

    /// <summary>Identity over the test database, for the services that create users.</summary>
    private ServiceProvider BuildIdentity()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => Db.CreateDbContext());
        services.AddIdentityCore<PortalUser>(o => o.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>();
        var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in new[] { Roles.Admin, Roles.Tenant })
            if (!roles.RoleExistsAsync(role).GetAwaiter().GetResult())
                roles.CreateAsync(new IdentityRole(role)).GetAwaiter().GetResult();
        return provider;
    }

    private sealed class LazyScopes(Lazy<ServiceProvider> provider) : IServiceScopeFactory
    {
        public IServiceScope CreateScope() => provider.Value.CreateScope();
    }

    /// <summary>An admin (not a member of any project).</summary>
    public CurrentUser Admin { get; } = new("admin-user-id", "admin@example.test", IsAdmin: true);
    public OperationJob Job { get; }

    /// <summary>The handlers the portal's registration finds.</summary>
    public IReadOnlyList<IOperationHandler> Handlers => [.. Get<IEnumerable<IOperationHandler>>()];
    public ShareType DefaultType { get; }

    /// <summary>Adds another backend, as an admin would.</summary>
    public void AddBackend(BackendOptions backend)
    {
        using var db = Db.CreateDbContext();
        // A copy: the fake host keeps the options it was given, and a test may change the stored row.
        db.Backends.Add(new Backend { Settings = backend.Clone() });
        db.SaveChanges();
    }

    /// <summary>Changes the backend as an admin would (in the portal's database).</summary>
    public void UpdateBackend(Action<Backend> change, string? name = null)
    {
        using var db = Db.CreateDbContext();
        var row = db.Backends.Single(b => b.Settings.Name == (name ?? Backend.Name));
        change(row);
        db.SaveChanges();
    }

    public ShareType AddShareType(string name, Action<ShareType>? configure = null)
    {
        var type = new ShareType { Name = name, Description = $"{name} shares", MinSizeGiB = 1, MaxSizeGiB = 100 };
        configure?.Invoke(type);
        using var db = Db.CreateDbContext();
        db.ShareTypes.Add(type);
        db.SaveChanges();
        return type;
    }

    /// <summary>Sets a share type's export policy as an admin would (defaults to the world's default type).</summary>
    public void SetExportPolicy(ExportPolicy policy, Guid? typeId = null)
    {
        using var db = Db.CreateDbContext();
        db.ShareTypes.Single(t => t.Id == (typeId ?? DefaultType.Id)).ExportPolicy = policy;
        db.SaveChanges();
    }

    public (Project Project, CurrentUser Member) AddProjectWithMember(string name, QuotaLimits? quotas = null)
    {
        using var db = Db.CreateDbContext();
        var user = new PortalUser { UserName = $"{name}-user@example.test", Email = $"{name}-user@example.test" };
        var project = new Project { Name = name, Quotas = quotas ?? QuotaLimits.Defaults };
        db.Users.Add(user);
        db.Projects.Add(project);
        db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = user.Id });
        db.SaveChanges();
        return (project, new CurrentUser(user.Id, user.UserName, IsAdmin: false));
    }

    /// <summary>A share that exists on the (fake or real) host, available, in a fresh project.</summary>
    public async Task<(Share Share, CurrentUser Member, Project Project)> AvailableShareAsync(string name = "zfsvol", int sizeGiB = 5, QuotaLimits? quotas = null)
    {
        var (project, member) = AddProjectWithMember($"p{Guid.NewGuid():N}"[..12], quotas);
        var result = await RequestShareAsync(member, project, name, sizeGiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Values));
        await RunQueuedJobsAsync();
        return (Share(result.Id!.Value), member, project);
    }

    public Task<CommandResult> RequestShareAsync(CurrentUser user, Project project, string name, string size, Guid? type = null) =>
        CreateShares.CreateAsync(user, new CreateShareRequest(project.Id, type ?? DefaultType.Id, name, null, size));

    /// <summary>Runs every job queued so far (and any they queue), as a Hangfire worker would.</summary>
    public async Task RunQueuedJobsAsync()
    {
        for (var ids = Scheduler.Drain(); ids.Count > 0; ids = Scheduler.Drain())
            foreach (var id in ids)
                await Job.RunAsync(id, CancellationToken.None);
    }

    public Share Share(Guid id)
    {
        using var db = Db.CreateDbContext();
        return db.Shares.Single(s => s.Id == id);
    }

    public List<Operation> OperationsOf(Guid shareId)
    {
        using var db = Db.CreateDbContext();
        return db.Operations.Where(o => o.ShareId == shareId).Select(o => o).ToList()
            .Select(o => { o.Steps = db.OperationSteps.Where(s => s.OperationId == o.Id).OrderBy(s => s.Id).ToList(); return o; })
            .ToList();
    }

    public Snapshot? Snapshot(Guid id)
    {
        using var db = Db.CreateDbContext();
        return db.Snapshots.SingleOrDefault(s => s.Id == id);
    }

    public List<AccessRule> RulesOf(Guid shareId)
    {
        using var db = Db.CreateDbContext();
        return db.AccessRules.Where(r => r.ShareId == shareId).OrderBy(r => r.CreatedAt).ToList();
    }

    public bool ShareExists(Guid id)
    {
        using var db = Db.CreateDbContext();
        return db.Shares.Any(s => s.Id == id);
    }

    public List<HostCommandEntry> CommandsOf(Guid operationId)
    {
        using var db = Db.CreateDbContext();
        return db.HostCommands.Where(c => c.OperationId == operationId).OrderBy(c => c.Id).ToList();
    }

    public void Dispose()
    {
        _services.Dispose();
        if (_identity.IsValueCreated)
            _identity.Value.Dispose();
        Db.Dispose();
    }
}
