using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares;

/// <summary>Dataset names come from ids only, never from user text.</summary>
public static class DatasetNames
{
    public static string ForShare(string pool, string prefix, Guid shareId) =>
        $"{pool}/{prefix}{shareId.ToString("D").Replace('-', '_')}";
}
