namespace ZfsPortal.Storage;

/// <summary>What a client may do with a share, from the access form through the rule record to the NFS helper.</summary>
public enum NfsAccessLevel { ReadWrite, ReadOnly }

/// <summary>A level as Manila spells it, <c>rw</c> or <c>ro</c>: the words exportfs and sharenfs use too.</summary>
public static class NfsAccessLevels
{
    public static string ToManila(this NfsAccessLevel level) => level == NfsAccessLevel.ReadWrite ? "rw" : "ro";

    /// <summary>The level <paramref name="text"/> spells exactly, or null.</summary>
    public static NfsAccessLevel? FromManila(string? text) => text switch
    {
        "rw" => NfsAccessLevel.ReadWrite,
        "ro" => NfsAccessLevel.ReadOnly,
        _ => null,
    };
}
