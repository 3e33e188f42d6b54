namespace ZfsPortal.Storage;

/// <summary>
/// The lines of a backend's exports file (<c>/etc/exports.d/NAME.exports</c>): <c>PATH CLIENT(OPTIONS)</c>, one client per line,
/// the options exactly those <c>exportfs -o</c> gets (<see cref="NfsExportOptions.For"/>), so <c>exportfs -ra</c> rebuilds the table
/// the portal made.
/// </summary>
public static class ExportsFileLines
{
    /// <summary><c>CLIENT(OPTIONS)</c> of one rule, the client canonical (IPv6 without brackets, as exports(5) reads it).</summary>
    public static string Entry(NfsClientRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return $"{rule.Target.Canonical}({NfsExportOptions.For(rule)})";
    }

    /// <exception cref="FormatException">A line is not <c>PATH CLIENT(OPTIONS)</c>.</exception>
    public static IReadOnlyList<ExportfsEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<ExportfsEntry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var open = words.Length == 2 ? words[1].IndexOf('(', StringComparison.Ordinal) : -1;
            if (open <= 0 || !words[1].EndsWith(')'))
            {
                throw new FormatException($"'{line}' is not PATH CLIENT(OPTIONS)");
            }

            entries.Add(new ExportfsEntry(words[0], words[1][..open], words[1][(open + 1)..^1].Split(',')));
        }

        return entries;
    }

    /// <summary>What differs between a path's lines and the rules it should carry; null when they match.</summary>
    public static string? Mismatch(IReadOnlyList<ExportfsEntry> entries, string mountpoint, IReadOnlyList<NfsClientRule> rules)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(rules);
        var have = entries.Where(e => e.Path == mountpoint).Select(e => $"{e.Client}({string.Join(',', e.Options)})").Order(StringComparer.Ordinal).ToList();
        var want = rules.Select(Entry).Order(StringComparer.Ordinal).ToList();
        if (have.SequenceEqual(want))
        {
            return null;
        }

        var missing = want.Except(have).ToList();
        var extra = have.Except(want).ToList();
        return string.Join("; ", new[]
        {
            missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : null,
            extra.Count > 0 ? $"not wanted {string.Join(", ", extra)}" : null,
        }.Where(s => s is not null));
    }
}
