namespace ZfsPortal.Storage;

/// <summary>The <c>Storage</c> section of the configuration: the ZFS hosts the portal may use.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public List<BackendOptions> Backends { get; set; } = [];

    /// <summary>
    /// Whether the configured backends overwrite the stored ones at every start, not only fill in the missing ones
    /// (the local dev host, whose keys change when it is rebuilt).
    /// </summary>
    public bool SyncFromConfiguration { get; set; }
}
