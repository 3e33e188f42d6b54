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
    public string Name { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 22;
    public string User { get; set; } = "";
    public string PrivateKeyPath { get; set; } = "";
    public string HostKeySha256 { get; set; } = "";
    public string ShareExportIp { get; set; } = "";
    public string ServiceIp { get; set; } = "";
    public List<string> Pools { get; set; } = [];
    public string DatasetPrefix { get; set; } = "zfsportal_share_";
    public string SnapshotPrefix { get; set; } = "zfsportal_snap_";
    public Dictionary<string, string> DatasetCreationOptions { get; set; } = [];
    public string NfsHelper { get; set; } = "exportfs";
    public string ZfsDialect { get; set; } = "auto";
    public string SudoPath { get; set; } = "/usr/bin/sudo";
    public string ZfsPath { get; set; } = "/usr/sbin/zfs";
    public string ZpoolPath { get; set; } = "/usr/sbin/zpool";
    public string ExportfsPath { get; set; } = "/usr/sbin/exportfs";
    public int ConnectTimeoutSeconds { get; set; } = 10;
    public int CommandTimeoutSeconds { get; set; } = 60;

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

    public BackendOptions ToOptions() => new()
    {
        Name = Name, Host = Host, Port = Port, User = User, PrivateKeyPath = PrivateKeyPath, HostKeySha256 = HostKeySha256,
        ShareExportIp = ShareExportIp, ServiceIp = ServiceIp, Pools = [.. Pools], DatasetPrefix = DatasetPrefix,
        SnapshotPrefix = SnapshotPrefix, DatasetCreationOptions = new(DatasetCreationOptions), NfsHelper = NfsHelper,
        ZfsDialect = ZfsDialect, SudoPath = SudoPath, ZfsPath = ZfsPath, ZpoolPath = ZpoolPath, ExportfsPath = ExportfsPath,
        ConnectTimeoutSeconds = ConnectTimeoutSeconds, CommandTimeoutSeconds = CommandTimeoutSeconds,
    };

    public void CopyFrom(BackendOptions o)
    {
        (Name, Host, Port, User, PrivateKeyPath, HostKeySha256) = (o.Name, o.Host, o.Port, o.User, o.PrivateKeyPath, o.HostKeySha256);
        (ShareExportIp, ServiceIp, Pools, DatasetPrefix, SnapshotPrefix) = (o.ShareExportIp, o.ServiceIp, [.. o.Pools], o.DatasetPrefix, o.SnapshotPrefix);
        (DatasetCreationOptions, NfsHelper, ZfsDialect) = (new(o.DatasetCreationOptions), o.NfsHelper, o.ZfsDialect);
        (SudoPath, ZfsPath, ZpoolPath, ExportfsPath) = (o.SudoPath, o.ZfsPath, o.ZpoolPath, o.ExportfsPath);
        (ConnectTimeoutSeconds, CommandTimeoutSeconds) = (o.ConnectTimeoutSeconds, o.CommandTimeoutSeconds);
    }
}

public sealed class PoolReading
{
    public string Pool { get; set; } = "";
    public long AvailableBytes { get; set; }
    public long UsedBytes { get; set; }
}
