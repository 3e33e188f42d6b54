using System.ComponentModel.DataAnnotations;

namespace ZfsPortal.Hosting;

/// <summary>Where the portal keeps its state, and how fast it picks up jobs.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Folder for portal.db and hangfire.db; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>How often idle Hangfire workers look for new jobs: backstop jobs, and jobs of nodes that run none.</summary>
    [Range(10, 15000)]
    public int QueuePollMilliseconds { get; set; } = 100;

    /// <summary>Operations run at once, by Hangfire's workers and the in-process dispatcher together.</summary>
    [Range(1, 100)]
    public int WorkerCount { get; set; } = 8;

    /// <summary>
    /// When the Hangfire job that backs up an in-process run is due. The in-process dispatcher normally runs an
    /// operation within milliseconds; the Hangfire job runs it if this process stopped before it could, and is a
    /// no-op otherwise (the claim finds it done). 0 enqueues the job at once, to race the dispatcher.
    /// </summary>
    [Range(0, 3600)]
    public int HangfireBackstopSeconds { get; set; } = 30;

    /// <summary>Share of each pool's usable space that placement keeps free (Manila's reserved_share_percentage).</summary>
    [Range(0, 90)]
    public int CapacityReservePercent { get; set; } = 5;

    /// <summary>How often every backend is checked; a backend that stops answering reads down within this time.</summary>
    [Range(5, 3600)]
    public int HealthCheckSeconds { get; set; } = 20;

    /// <summary>
    /// How often a running step writes its operation's heartbeat. A running operation whose heartbeat is older than
    /// <see cref="StaleAfter"/> (six beats) is taken to be stranded by a crash and is run again (ADR 4).
    /// This and the next two are checked by <see cref="PortalOptionsValidator"/>, whose messages name the key.
    /// </summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>How often a node that runs jobs looks for stranded operations (and once at start).</summary>
    public int RecoverySeconds { get; set; } = 60;

    /// <summary>
    /// How long a queued operation may wait before recovery queues it again; with the default it matches the
    /// Hangfire backstop, which normally runs it first.
    /// </summary>
    public int QueuedGraceSeconds { get; set; } = 30;

    /// <summary>
    /// How often each backend is reconciled with the portal's records (issue 11), besides when it comes up; 0 = only when it comes
    /// up. Tests set it low to watch a repair happen.
    /// </summary>
    [Range(0, 86400)]
    public int ReconcileSeconds { get; set; } = 60;

    /// <summary>How often a node that runs jobs takes the scheduled snapshots that fell due (and once at start).</summary>
    [Range(1, 3600)]
    public int SnapshotScheduleSeconds { get; set; } = 30;

    public TimeSpan HeartbeatEvery => TimeSpan.FromSeconds(HeartbeatSeconds);

    /// <summary>Six missed beats: long enough that a busy machine's late beat never looks like a crash.</summary>
    public TimeSpan StaleAfter => 6 * HeartbeatEvery;

    /// <summary>False for a portal node that only serves pages; its queued jobs wait for a node that runs them.</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>False for a portal node that only runs jobs: it serves no pages and no API (docs/adr/0024).</summary>
    public bool ServePages { get; set; } = true;

    /// <summary>
    /// <c>sqlite</c> (the embedded default: portal.db and hangfire.db under <see cref="DataDirectory"/>) or
    /// <c>postgresql</c> (<see cref="ConnectionString"/>; Hangfire's storage follows, and several nodes may share it).
    /// </summary>
    public string Database { get; set; } = PortalDatabase.Sqlite;

    /// <summary>The Npgsql connection string when <see cref="Database"/> is <c>postgresql</c>.</summary>
    public string? ConnectionString { get; set; }

    public string ResolveDataDirectory(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}

/// <summary>The demo logins created on first start; passwords are generated when not configured.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    public bool Demo { get; set; }
    public string AdminEmail { get; set; } = "admin@zfsportal.local";
    public string? AdminPassword { get; set; }
    public string TenantEmail { get; set; } = "tenant@zfsportal.local";
    public string? TenantPassword { get; set; }
    public string DemoProject { get; set; } = "demo";
}
