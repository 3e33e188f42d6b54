namespace ZfsPortal.Storage;

/// <summary>The exportfs options of one client rule, and how to tell whether a listed entry carries them.</summary>
public static class NfsExportOptions
{
    /// <summary><c>rw|ro,sync,no_subtree_check,root_squash|no_root_squash</c>.</summary>
    public static string For(NfsClientRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return $"{Level(rule)},sync,no_subtree_check,{Squash(rule)}";
    }

    /// <summary>Level and squash, as people read them (<c>rw, no_root_squash</c>).</summary>
    public static string Describe(NfsClientRule rule) => $"{Level(rule)}, {Squash(rule)}";

    /// <summary>
    /// True when the options <c>exportfs -v</c> lists carry the rule: its level and squash, <c>sync</c> and
    /// <c>no_subtree_check</c>, and no <c>all_squash</c>. Anything else listed (wdelay, sec=sys, fsid, mountpoint…)
    /// is the server's or the ZFS helper's own and does not count.
    /// </summary>
    public static bool Matches(NfsClientRule rule, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        return options.Contains(Level(rule)) && !options.Contains(rule.Level == NfsAccessLevel.ReadWrite ? "ro" : "rw")
               && options.Contains(Squash(rule)) && !options.Contains(rule.RootSquash ? "no_root_squash" : "root_squash")
               && options.Contains("sync") && !options.Contains("async")
               && options.Contains("no_subtree_check") && !options.Contains("all_squash");
    }

    /// <summary>
    /// The rule an entry stands for, or null when its client is not an address or network the portal writes
    /// (a host name, wildcard, netgroup or <c>&lt;world&gt;</c>) or it has neither <c>rw</c> nor <c>ro</c>.
    /// </summary>
    public static NfsClientRule? ToRule(ExportfsEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var target = AccessTarget.TryParse(entry.Client, out _);
        var level = entry.Options.Contains("rw") ? NfsAccessLevel.ReadWrite : entry.Options.Contains("ro") ? NfsAccessLevel.ReadOnly : (NfsAccessLevel?)null;
        return target is null || level is null ? null : new NfsClientRule(target, level.Value, !entry.Options.Contains("no_root_squash"));
    }

    /// <summary>
    /// Throws unless the export names a valid dataset and mount point and gives each client one rule; run before
    /// anything reaches the host, by the real host and the fake alike.
    /// </summary>
    public static void Validate(NfsExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        ZfsNames.ValidateDataset(export.Dataset, nameof(export));
        ZfsNames.ValidateMountpoint(export.Mountpoint, nameof(export));
        ArgumentNullException.ThrowIfNull(export.Clients, nameof(export));
        if (export.Clients.Any(c => c?.Target is null))
        {
            throw new ArgumentException("An export's client list holds an empty rule.", nameof(export));
        }

        if (export.Clients.GroupBy(c => c.Target).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException(
                $"{twice.Key} is listed more than once for {export.Mountpoint}; give each client one rule.", nameof(export));
        }
    }

    internal static string Level(NfsClientRule rule) => rule.Level.ToManila();

    internal static string Squash(NfsClientRule rule) => rule.RootSquash ? "root_squash" : "no_root_squash";
}
