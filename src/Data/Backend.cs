using ZfsPortal.Storage;

namespace ZfsPortal.Data;

public enum BackendHealth { Unknown, Up, Down }

/// <summary>
/// A ZFS host the portal may place shares on (Manila's share service + backend section). Seeded from
/// <c>Storage:Backends</c> in appsettings.json, then managed by admins in the portal.
/// </summary>
public sealed class Backend
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>How to reach and use the host: the same settings <c>Storage:Backends</c> holds (stored in this table).</summary>
    public BackendOptions Settings { get; set; } = new();

    /// <summary>A disabled backend keeps its shares but takes no new ones.</summary>
    public bool Enabled { get; set; } = true;

    public BackendHealth Health { get; set; }
    public string? HealthMessage { get; set; }
    public DateTime? LastCheckedAt { get; set; }

    /// <summary>Last time a check found it up (Manila's heartbeat).</summary>
    public DateTime? LastUpAt { get; set; }

    /// <summary>Each pool's usable space at the last check (zfs get available,used).</summary>
    public List<PoolReading> PoolReadings { get; set; } = [];

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}

public sealed class PoolReading
{
    public string Pool { get; set; } = "";
    public long AvailableBytes { get; set; }
    public long UsedBytes { get; set; }
}
