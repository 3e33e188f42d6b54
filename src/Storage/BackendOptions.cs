namespace ZfsPortal.Storage;

/// <summary>
/// One ZFS storage host, like the seed's <c>[zfs]</c> section of manila.conf.
/// Bound from configuration (<c>Storage:Backends</c>) and validated at start; a stored backend keeps the same
/// value as its <c>Settings</c>.
/// </summary>
public sealed class BackendOptions
{
    public string Name { get; set; } = "";
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 22;
    public string User { get; set; } = "";
    public string PrivateKeyPath { get; set; } = "";

    /// <summary>SHA-256 host key fingerprint, base64 without padding and without the "SHA256:" prefix.</summary>
    public string HostKeySha256 { get; set; } = "";

    /// <summary>Address clients mount from; export locations are <c>ShareExportIp:mountpoint</c>.</summary>
    public string ShareExportIp { get; set; } = "";

    /// <summary>Address of the host on the service network (shown to admins only).</summary>
    public string ServiceIp { get; set; } = "";

    public List<string> Pools { get; set; } = [];
    public string DatasetPrefix { get; set; } = "zfsportal_share_";
    public string SnapshotPrefix { get; set; } = "zfsportal_snap_";

    /// <summary>ZFS properties set on every new dataset of this backend (e.g. compression=lz4).</summary>
    public Dictionary<string, string> DatasetCreationOptions { get; set; } = [];

    /// <summary>
    /// "exportfs" (direct export table entries), "sharenfs" (the dataset property) or "ganesha" (NFS-Ganesha export blocks,
    /// written by the host's <see cref="GaneshaPath"/> program).
    /// </summary>
    public string NfsHelper { get; set; } = "exportfs";

    /// <summary>
    /// "auto" (ask the host once per <see cref="IStorageHost"/>: <c>zfs version</c> answers on OpenZFS 0.8+ only),
    /// "zfs-fuse" or "openzfs". Only the sharenfs helper depends on it; set it explicitly for OpenZFS before 0.8.
    /// </summary>
    public string ZfsDialect { get; set; } = ZfsDialects.Auto;

    public string SudoPath { get; set; } = "/usr/bin/sudo";
    public string ZfsPath { get; set; } = "/usr/sbin/zfs";
    public string ZpoolPath { get; set; } = "/usr/sbin/zpool";
    public string ExportfsPath { get; set; } = "/usr/sbin/exportfs";

    /// <summary>
    /// The host-side guard sudoers names instead of zfs, zpool and exportfs (scripts/storage-host/zfsportal-guard), so
    /// commands run as <c>sudo -n GUARD TOOL …</c> and the host admits only the portal's own shapes of them; empty = none
    /// (sudo runs the tools directly, and the preflight says the host trusts the portal with root).
    /// </summary>
    public string GuardPath { get; set; } = "";

    /// <summary>
    /// The ganesha helper's program on the host (scripts/storage-host/zfsportal-ganesha), which its own sudoers rule names:
    /// it writes one export block per share, has NFS-Ganesha reread them and reads back what it serves. Used only when
    /// <see cref="NfsHelper"/> is "ganesha".
    /// </summary>
    public string GaneshaPath { get; set; } = "/usr/local/sbin/zfsportal-ganesha";
    /// Where the host's NFS service finds the portal's exports at boot and on <c>exportfs -ra</c>
    /// (<c>/etc/exports.d/NAME.exports</c>, one file per backend), written only through the guard
    /// (<c>sudo -n GUARD FILE set PATH CLIENT(OPTIONS)…</c>); empty = none, so the exportfs helper's exports live only in
    /// the kernel's table and a reboot loses them (the preflight says so). Needs <see cref="GuardPath"/>.
    /// </summary>
    public string ExportsFile { get; set; } = "";

    public int ConnectTimeoutSeconds { get; set; } = 10;
    public int CommandTimeoutSeconds { get; set; } = 60;

    /// <summary>A copy that shares no list with this one, for a stored backend taken from the configured (shared) options.</summary>
    public BackendOptions Clone()
    {
        var copy = (BackendOptions)MemberwiseClone();
        copy.Pools = [.. Pools];
        copy.DatasetCreationOptions = new(DatasetCreationOptions);
        return copy;
    }
}
