namespace ZfsPortal.Storage;

/// <summary>
/// One way of making a host's NFS server serve a path to exactly a set of clients (exportfs entries, the sharenfs
/// property…). A backend names its helper (<see cref="BackendOptions.NfsHelper"/>); <see cref="NfsHelpers"/> knows them all.
/// </summary>
internal interface INfsHelper
{
    /// <summary>Applies the whole set (an empty one removes every export of the path), then checks what the host serves.</summary>
    Task ApplyAsync(NfsExport export, CancellationToken ct);

    /// <summary>The rules the host serves for the path now; one the portal cannot express is a failure that names it.</summary>
    Task<IReadOnlyList<NfsClientRule>> ReadAsync(string mountpoint, CancellationToken ct);
}
