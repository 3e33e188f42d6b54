using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Storage;

namespace ZfsPortal.Data;

public partial class PortalDbContext : IdentityDbContext<PortalUser>, IDataProtectionKeyContext
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options) : base(options) { }

    /// <summary>For <see cref="PostgreSql.PostgresPortalDbContext"/>, whose migrations are PostgreSQL's own.</summary>
    protected PortalDbContext(DbContextOptions options) : base(options) { }

    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<ShareType> ShareTypes => Set<ShareType>();
    public DbSet<Share> Shares => Set<Share>();
    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<AccessRule> AccessRules => Set<AccessRule>();
    public DbSet<Operation> Operations => Set<Operation>();
    public DbSet<OperationStep> OperationSteps => Set<OperationStep>();
    public DbSet<HostCommandEntry> HostCommands => Set<HostCommandEntry>();
    public DbSet<Backend> Backends => Set<Backend>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<PortalSettings> Settings => Set<PortalSettings>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ReconcileRun> ReconcileRuns => Set<ReconcileRun>();
    public DbSet<DriftFinding> DriftFindings => Set<DriftFinding>();
    public DbSet<UsageSample> UsageSamples => Set<UsageSample>();
    public DbSet<SnapshotPolicy> SnapshotPolicies => Set<SnapshotPolicy>();
    public DbSet<SnapshotScheduleState> SnapshotScheduleStates => Set<SnapshotScheduleState>();
    public DbSet<Lease> Leases => Set<Lease>();

    /// <summary>On PostgreSQL, the nodes' shared key ring: a cookie or form token from one node is valid on every other.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Project>(e =>
        {
            e.HasIndex(p => p.Name).IsUnique();
            e.Property(p => p.Name).HasMaxLength(64);
            e.Property(p => p.QuotaStamp).IsConcurrencyToken();
            e.OwnsOne(p => p.Quotas);
            // Optional: all its columns are null when the project adds nothing to its share types' policies.
            e.OwnsOne(p => p.ExportPolicy, PolicyColumns);
            e.HasMany(p => p.Members).WithOne().HasForeignKey(m => m.ProjectId);
        });
        builder.Entity<ProjectMember>(e =>
        {
            e.HasKey(m => new { m.ProjectId, m.UserId });
            e.HasOne<PortalUser>().WithMany().HasForeignKey(m => m.UserId);
        });

        builder.Entity<ShareType>(e =>
        {
            e.HasIndex(t => t.Name).IsUnique();
            e.Property(t => t.Approval).HasConversion<string>();
            e.Property(t => t.DatasetProperties).HasConversion(JsonConverter<Dictionary<string, string>>(), DictionaryComparer());
            e.Property(t => t.ProjectIds).HasConversion(JsonConverter<List<Guid>>(), JsonComparer<List<Guid>>());
            e.OwnsOne(t => t.ExportPolicy, PolicyColumns);
            e.Navigation(t => t.ExportPolicy).IsRequired();
        });

        builder.Entity<Share>(e =>
        {
            // Names are unique per project; the check in CreateShareService gives the readable message.
            e.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
            e.HasIndex(s => s.Status);
            // The shares page reads one project's newest shares a page at a time.
            e.HasIndex(s => new { s.ProjectId, s.CreatedAt });
            e.Property(s => s.Name).HasMaxLength(ShareRules.MaxNameLength);
            e.Property(s => s.Description).HasMaxLength(ShareRules.MaxDescriptionLength);
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(s => s.AccessRulesStatus).HasConversion<string>().HasMaxLength(16);
            e.HasOne(s => s.Project).WithMany().HasForeignKey(s => s.ProjectId);
            e.HasOne(s => s.ShareType).WithMany().HasForeignKey(s => s.ShareTypeId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Snapshot>(e =>
        {
            e.HasIndex(s => new { s.ShareId, s.Name }).IsUnique();
            e.HasIndex(s => s.ProjectId);
            e.Property(s => s.Name).HasMaxLength(ShareRules.MaxNameLength);
            e.Property(s => s.Description).HasMaxLength(ShareRules.MaxDescriptionLength);
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            // A share with snapshots cannot be deleted (the service says so); the database agrees.
            e.HasOne(s => s.Share).WithMany().HasForeignKey(s => s.ShareId).OnDelete(DeleteBehavior.Restrict);
            // A second claim of one scheduled run cannot add a second snapshot for it.
            e.HasIndex(s => new { s.ShareId, s.ScheduledFor }).IsUnique();
        });
        builder.Entity<SnapshotPolicy>(e =>
        {
            e.HasIndex(p => p.ShareId).IsUnique();
            e.HasIndex(p => p.ShareTypeId).IsUnique();
            e.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(p => p.DayOfWeek).HasConversion<string>().HasMaxLength(16);
            e.Property(p => p.CronExpression).HasMaxLength(SnapshotRules.MaxCronLength);
            e.Property(p => p.TimeZoneId).HasMaxLength(SnapshotRules.MaxTimeZoneLength);
            e.HasOne<Share>().WithMany().HasForeignKey(p => p.ShareId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ShareType>().WithMany().HasForeignKey(p => p.ShareTypeId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<SnapshotScheduleState>(e =>
        {
            e.HasKey(s => s.ShareId);
            e.Property(s => s.SkipMessage).HasMaxLength(1024);
            e.HasOne<Share>().WithMany().HasForeignKey(s => s.ShareId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<AccessRule>(e =>
        {
            e.HasIndex(r => new { r.ShareId, r.Target }).IsUnique();
            e.Property(r => r.Target).HasMaxLength(64);
            e.Property(r => r.Level).HasConversion(LevelColumn()).HasMaxLength(8);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Share>().WithMany().HasForeignKey(r => r.ShareId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Operation>(e =>
        {
            e.Property(o => o.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(o => new { o.State, o.HeartbeatAt });
            e.HasIndex(o => o.ShareId);
            e.HasMany(o => o.Steps).WithOne().HasForeignKey(s => s.OperationId);
        });
        builder.Entity<OperationStep>(e => e.Property(s => s.Outcome).HasConversion<string>().HasMaxLength(16));
        builder.Entity<HostCommandEntry>(e => e.HasIndex(c => c.OperationId));
        builder.Entity<ReconcileRun>(e => e.HasIndex(r => new { r.BackendName, r.StartedAt }));
        builder.Entity<DriftFinding>(e =>
        {
            e.HasIndex(f => f.BackendName);
            e.Property(f => f.Kind).HasConversion<string>().HasMaxLength(32);
        });

        builder.Entity<Backend>(e =>
        {
            // Owned, not a complex property: EF Core 10 cannot index a complex property's column, and names are unique.
            e.OwnsOne(b => b.Settings, s =>
            {
                s.HasIndex(o => o.Name).IsUnique();
                s.Property(o => o.Name).HasMaxLength(64);
                s.Property(o => o.Pools).HasConversion(JsonConverter<List<string>>(), JsonComparer<List<string>>());
                s.Property(o => o.DatasetCreationOptions).HasConversion(JsonConverter<Dictionary<string, string>>(), DictionaryComparer());
            });
            e.Navigation(b => b.Settings).IsRequired();
            e.Property(b => b.Health).HasConversion<string>().HasMaxLength(16);
            e.OwnsMany(b => b.PoolReadings, r => r.ToJson());
        });
        builder.Entity<AuditEntry>(e =>
        {
            e.HasIndex(a => a.At);
            e.HasIndex(a => a.ProjectId);
        });
        builder.Entity<ApiToken>(e =>
        {
            e.HasIndex(t => t.SecretHash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.Property(t => t.Name).HasMaxLength(ShareRules.MaxNameLength);
            e.Property(t => t.SecretHash).HasMaxLength(64);
            e.Property(t => t.Hint).HasMaxLength(16);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<UsageSample>(e =>
        {
            e.Property(u => u.Subject).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(u => new { u.Subject, u.SubjectId, u.At });
        });
        builder.Entity<Lease>(e =>
        {
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(64);
            e.Property(l => l.Holder).HasMaxLength(128);
        });
        builder.Entity<PortalSettings>(e =>
        {
            e.Property(s => s.Id).ValueGeneratedNever();
            e.OwnsOne(s => s.DefaultQuotas);
        });
    }
}

public partial class PortalDbContext
{
    // The column keeps the names the level had before it moved to Storage, so stored rules read back unchanged.
    private static ValueConverter<NfsAccessLevel, string> LevelColumn() => new(
        v => v == NfsAccessLevel.ReadWrite ? "Rw" : "Ro",
        v => LevelFromColumn(v));

    private static NfsAccessLevel LevelFromColumn(string stored) => stored switch
    {
        "Rw" => NfsAccessLevel.ReadWrite,
        "Ro" => NfsAccessLevel.ReadOnly,
        _ => throw new InvalidOperationException($"An access rule's stored level '{stored}' is neither Rw nor Ro."),
    };

    private static void PolicyColumns<TOwner>(OwnedNavigationBuilder<TOwner, ExportPolicy> policy) where TOwner : class =>
        policy.Property(p => p.AllowedNetworks).HasConversion(JsonConverter<List<string>>(), JsonComparer<List<string>>()).HasMaxLength(4096);

    private static ValueConverter<T, string> JsonConverter<T>() where T : new() => new(
        v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
        v => JsonSerializer.Deserialize<T>(v, JsonSerializerOptions.Default) ?? new T());

    private static ValueComparer<T> JsonComparer<T>() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
        v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonSerializerOptions.Default), JsonSerializerOptions.Default)!);

    private static ValueComparer<Dictionary<string, string>> DictionaryComparer() => new(
        (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
        v => v.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
        v => new Dictionary<string, string>(v));
}

public static class SnapshotRules
{
    public const int MaxCronLength = 120;
    public const int MaxTimeZoneLength = 64;
    public const int MaxRetention = 1000;
}

public static class ShareRules
{
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 255;
}
