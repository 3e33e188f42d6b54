using System.Text.RegularExpressions;

namespace ZfsPortal.Storage;

/// <summary>
/// What the portal accepts as ZFS names and property values. Narrower than ZFS itself on purpose:
/// these checks stand under the quoting as a second guard, so nothing odd ever reaches a host.
/// </summary>
public static partial class ZfsNames
{
    // ZFS refuses names of 256 characters or more (ZFS_MAX_DATASET_NAME_LEN).
    private const int MaxDatasetNameLength = 255;

    /// <summary>Throws unless <paramref name="dataset"/> is <c>pool/component/…</c> with safe characters.</summary>
    public static void ValidateDataset(string dataset, string paramName = "dataset")
    {
        ArgumentNullException.ThrowIfNull(dataset, paramName);
        var components = dataset.Split('/');
        if (dataset.Length > MaxDatasetNameLength || !PoolName().IsMatch(components[0])
            || !components.Skip(1).All(c => Component().IsMatch(c) && c is not ("." or "..")))
        {
            throw new ArgumentException(
                $"'{dataset}' is not a dataset name the portal accepts: it must be pool/name/…, each part made of " +
                "letters, digits, '_', '.', ':' and '-', not starting with '-'.", paramName);
        }
    }

    /// <summary>Throws unless <paramref name="pool"/> is a plain pool name (starts with a letter).</summary>
    public static void ValidatePool(string pool, string paramName = "pool")
    {
        ArgumentNullException.ThrowIfNull(pool, paramName);
        if (!PoolName().IsMatch(pool))
        {
            throw new ArgumentException(
                $"'{pool}' is not a pool name the portal accepts: it must start with a letter and hold only " +
                "letters, digits, '_', '.', ':' and '-'.", paramName);
        }
    }

    /// <summary>Throws unless <paramref name="property"/> is a native or user property name (<c>[a-z0-9_:.]</c>).</summary>
    public static void ValidatePropertyName(string property, string paramName = "property")
    {
        ArgumentNullException.ThrowIfNull(property, paramName);
        if (!PropertyName().IsMatch(property))
        {
            throw new ArgumentException(
                $"'{property}' is not a ZFS property name the portal accepts: lower-case letters, digits, '_', ':' " +
                "and '.', starting with a letter.", paramName);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is non-empty and free of whitespace and control characters.</summary>
    public static void ValidatePropertyValue(string property, string value, string paramName = "value")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length == 0 || value.Length > 1024 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"The value '{value}' of ZFS property '{property}' is not accepted: it must be 1 to 1024 characters " +
                "without spaces or control characters.", paramName);
        }
    }

    /// <summary>Throws unless <paramref name="snapshot"/> is <c>dataset@name</c>, the name made of <c>[A-Za-z0-9_.:-]</c>.</summary>
    public static void ValidateSnapshot(string snapshot, string paramName = "snapshot")
    {
        ArgumentNullException.ThrowIfNull(snapshot, paramName);
        var at = snapshot.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || snapshot.Length > MaxDatasetNameLength || !SnapshotName().IsMatch(snapshot[(at + 1)..]))
        {
            throw new ArgumentException(
                $"'{snapshot}' is not a snapshot name the portal accepts: it must be dataset@name, the name made of " +
                "letters, digits, '_', '.', ':' and '-'.", paramName);
        }

        ValidateDataset(snapshot[..at], paramName);
    }

    /// <summary>
    /// Throws unless <paramref name="mountpoint"/> is an absolute path below the root made of dataset-name
    /// characters (what zfs gives the portal's datasets), so it can stand in an exportfs <c>client:path</c>.
    /// </summary>
    public static void ValidateMountpoint(string mountpoint, string paramName = "mountpoint")
    {
        ArgumentNullException.ThrowIfNull(mountpoint, paramName);
        var components = mountpoint.Split('/');
        if (mountpoint.Length > 1024 || components.Length < 2 || components[0].Length != 0
            || !components.Skip(1).All(c => Component().IsMatch(c) && c is not ("." or "..")))
        {
            throw new ArgumentException(
                $"'{mountpoint}' is not a mount point the portal exports: it must be an absolute path such as /pool/share, " +
                "each part made of letters, digits, '_', '.', ':' and '-'.", paramName);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="value"/> is a sharenfs value the portal builds: <c>off</c>, or clients and
    /// options (<c>[A-Za-z0-9_.:/,=@[]-]</c>) in words separated by single spaces.
    /// </summary>
    public static void ValidateSharenfsValue(string value, string paramName = "value")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length > 1024 || !SharenfsValue().IsMatch(value))
        {
            throw new ArgumentException(
                $"'{value}' is not a sharenfs value the portal accepts: words of letters, digits and '_.:/,=@[]-' " +
                "separated by single spaces.", paramName);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="client"/> is an exportfs client as <c>exportfs -v</c> lists it: an address,
    /// network, host name, wildcard or netgroup (so one found on the host can be removed), never an option.
    /// </summary>
    public static void ValidateExportClient(string client, string paramName = "client")
    {
        ArgumentNullException.ThrowIfNull(client, paramName);
        if (client.Length > 255 || !ExportClient().IsMatch(client))
        {
            throw new ArgumentException(
                $"'{client}' is not an exportfs client the portal can name: letters, digits and '_.:/*?@[]-', not starting with '-'.",
                paramName);
        }
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.:-]*\z")]
    private static partial Regex PoolName();

    [GeneratedRegex(@"^[A-Za-z0-9_.:][A-Za-z0-9_.:-]*\z")]
    private static partial Regex Component();

    [GeneratedRegex(@"^[a-z][a-z0-9_:.]*\z")]
    private static partial Regex PropertyName();

    [GeneratedRegex(@"^[A-Za-z0-9_.:-]+\z")]
    private static partial Regex SnapshotName();

    [GeneratedRegex(@"^[A-Za-z0-9_.:/,=@\[\]-]+( [A-Za-z0-9_.:/,=@\[\]-]+)*\z")]
    private static partial Regex SharenfsValue();

    [GeneratedRegex(@"^[A-Za-z0-9_.:/*?@\[\]][A-Za-z0-9_.:/*?@\[\]-]*\z")]
    private static partial Regex ExportClient();
}
