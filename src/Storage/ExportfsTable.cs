namespace ZfsPortal.Storage;

/// <summary>One entry of the kernel's export table, the client spelled exactly as <c>exportfs -v</c> lists it.</summary>
public sealed record ExportfsEntry(string Path, string Client, IReadOnlyList<string> Options);

/// <summary>
/// Reads <c>exportfs -v</c>. Each entry is <c>PATH&lt;TAB&gt;CLIENT(opt,…)</c>; a path longer than 14 characters is
/// printed alone and its client follows on the next line after two tabs; short paths are padded with spaces.
/// <c>*</c> is listed as <c>&lt;world&gt;</c>; IPv6 clients are listed without the brackets exportfs wants back.
/// </summary>
public static class ExportfsTable
{
    /// <summary>How <c>exportfs -v</c> lists the client <c>*</c> (everyone).</summary>
    public const string World = "<world>";

    /// <exception cref="FormatException">A line is neither a path nor a client of the path above it.</exception>
    public static IReadOnlyList<ExportfsEntry> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new List<ExportfsEntry>();
        string? path = null;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            string client;
            if (line[0] is ' ' or '\t')
            {
                if (path is null)
                {
                    throw new FormatException($"Unexpected line in exportfs -v output (a client before any path): '{line}'");
                }

                client = line.Trim();
            }
            else
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                path = (tab < 0 ? line : line[..tab]).TrimEnd(' ');
                if (tab < 0)
                {
                    continue;
                }

                client = line[(tab + 1)..].Trim();
            }

            entries.Add(ParseClient(path, client, line));
        }

        return entries;
    }

    /// <summary>The entries of exactly <paramref name="mountpoint"/> (not of paths below it).</summary>
    public static IReadOnlyList<ExportfsEntry> For(IEnumerable<ExportfsEntry> entries, string mountpoint) =>
        [.. entries.Where(e => string.Equals(e.Path, mountpoint, StringComparison.Ordinal))];

    /// <summary>
    /// Null when <paramref name="entries"/> (of one path) are exactly <paramref name="rules"/>: each rule's canonical
    /// client once with matching options, nothing else. Otherwise a sentence listing what differs.
    /// </summary>
    public static string? Mismatch(IReadOnlyList<ExportfsEntry> entries, IReadOnlyList<NfsClientRule> rules)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        foreach (var rule in rules)
        {
            var found = entries.Where(e => e.Client == rule.Target.Canonical).ToList();
            if (found.Count == 0)
            {
                problems.Add($"{rule.Target} ({NfsExportOptions.Describe(rule)}) is missing");
            }
            else if (!NfsExportOptions.Matches(rule, found[0].Options))
            {
                problems.Add($"{rule.Target} has ({string.Join(',', found[0].Options)}) instead of ({NfsExportOptions.Describe(rule)})");
            }
        }

        var wanted = rules.Select(r => r.Target.Canonical).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(entries.Where(e => !wanted.Contains(e.Client)).Select(e => $"{e.Client} should not be there"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static ExportfsEntry ParseClient(string path, string text, string line)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (open == 0 || (open > 0 && !text.EndsWith(')')) || (open < 0 && text.Contains(')', StringComparison.Ordinal)))
        {
            throw new FormatException($"Unexpected line in exportfs -v output (want CLIENT(options)): '{line}'");
        }

        var client = open < 0 ? text : text[..open];
        string[] options = open < 0 ? [] : text[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new ExportfsEntry(path, client, options);
    }
}
