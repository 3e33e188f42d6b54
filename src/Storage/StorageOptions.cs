namespace ZfsPortal.Storage;

/// <summary>The <c>Storage</c> section of the configuration: the ZFS hosts the portal may use.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public List<BackendOptions> Backends { get; set; } = [];
}
