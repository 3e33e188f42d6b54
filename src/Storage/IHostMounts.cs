namespace ZfsPortal.Storage;

/// <summary>
/// Putting a share's dataset back where its clients find it, after the host's ZFS service restarted without mounting its datasets
/// (zfs-fuse imports its pools from the cache file at start, every dataset unmounted; an init script runs <c>zfs mount -a</c>
/// afterwards, a bare restart does not). <see cref="SshStorageHost"/> implements it.
/// </summary>
public interface IHostMounts
{
    /// <summary>
    /// <c>zfs mount DATASET</c>, first <c>zfs mount POOL</c> when the pool's root is not mounted (else the dataset would be mounted on
    /// the host's root filesystem, and the pool's root could not be mounted over it later: zfs-fuse refuses a directory that is
    /// not empty). A dataset mounted meanwhile counts as done. Returns what it did, for the operation's step.
    /// </summary>
    Task<string> MountAsync(string dataset, CancellationToken ct);
}
