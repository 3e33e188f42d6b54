namespace ZfsPortal.Storage;

public enum StorageFailure
{
    /// <summary>TCP connect failed or timed out.</summary>
    Unreachable,
    /// <summary>The host presented a key that does not match the pinned fingerprint, or none is pinned.</summary>
    HostKeyNotTrusted,
    /// <summary>The key was refused.</summary>
    AuthenticationFailed,
    /// <summary>A command ran and exited non-zero.</summary>
    CommandFailed,
    /// <summary>A command did not finish within the command time-out.</summary>
    Timeout,
    /// <summary>
    /// The backend cannot express the request (e.g. IPv6 clients through zfs-fuse's sharenfs); nothing was changed.
    /// The message names the backend setting or rule to change.
    /// </summary>
    NotSupported,
    /// <summary>
    /// What a create was to make (a dataset or snapshot) exists already; nothing was changed. Names carry the
    /// share's or snapshot's id, so for the portal's own names this means an earlier attempt made it.
    /// </summary>
    AlreadyExists,
    /// <summary>
    /// The host's guard (<see cref="BackendOptions.GuardPath"/>) refused the command, so nothing ran: it is not one the
    /// portal sends, or it names a pool, prefix or path the guard's configuration on the host does not admit.
    /// </summary>
    RefusedByGuard,
}

/// <summary>A host-side failure, with a message meant for people (what happened and what to do).</summary>
public sealed class StorageHostException(StorageFailure failure, string message, HostCommandRecord? command = null, Exception? inner = null)
    : Exception(message, inner)
{
    public StorageFailure Failure { get; } = failure;
    public HostCommandRecord? Command { get; } = command;
}
