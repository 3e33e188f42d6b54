namespace ZfsPortal.Bench;

/// <summary>The nine operations, in the order one lifecycle runs them (floor, portal and Manila's driver alike).</summary>
internal static class Ops
{
    public const string Create = "create share";
    public const string Allow = "allow access";
    public const string Deny = "deny access";
    public const string SnapCreate = "snapshot create";
    public const string FromSnapshot = "share from snapshot";
    public const string Extend = "extend";
    public const string Shrink = "shrink";
    public const string Delete = "delete share";
    public const string SnapDelete = "snapshot delete";

    public static readonly string[] All = [Create, Delete, Allow, Deny, SnapCreate, SnapDelete, FromSnapshot, Extend, Shrink];

    /// <summary>The host commands each floor issues (what docs/benchmarks.md lists).</summary>
    public static string FloorCommands(string op) => op switch
    {
        Create => "zfs create -o compression=on -o refquota=1G DS; zfs get mountpoint DS",
        Allow => "exportfs -o rw,… CLIENT:MP; exportfs -v; with the guard's exports file: GUARD FILE set MP CLIENT(…)",
        Deny => "exportfs -u CLIENT:MP; exportfs -v; with the guard's exports file: GUARD FILE set MP",
        SnapCreate => "zfs snapshot DS@S",
        FromSnapshot => "zfs send DS@S | zfs receive NEW (one pipeline); zfs destroy NEW@S; zfs set refquota=1G NEW",
        Extend => "zfs set refquota=2G DS",
        Shrink => "zfs get referenced DS; zfs set refquota=1G DS",
        SnapDelete => "zfs destroy DS@S",
        Delete => "zfs unmount DS; zfs destroy DS (again at once while busy)",
        _ => "",
    };
}
