namespace ZfsPortal.Storage;

/// <summary>
/// Pivots the rows of <c>zfs get -H -p -o name,property,value</c> (one tab-separated line per dataset
/// and property) into one dictionary per dataset, in the order zfs printed them.
/// </summary>
public static class ZfsGetParser
{
    /// <exception cref="FormatException">A line does not have the three tab-separated columns.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var datasets = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            // Split into at most three, so a value holding a tab (possible in user properties) stays whole.
            var columns = line.Split('\t', 3);
            if (columns.Length != 3 || columns[0].Length == 0 || columns[1].Length == 0)
            {
                throw new FormatException($"Unexpected line in zfs get output (want name<TAB>property<TAB>value): '{line}'");
            }

            if (!datasets.TryGetValue(columns[0], out var properties))
            {
                properties = new Dictionary<string, string>(StringComparer.Ordinal);
                datasets.Add(columns[0], properties);
            }

            // "-" means "no value" in zfs output; it is kept as is so callers see what the host said.
            properties[columns[1]] = columns[2];
        }

        return datasets.ToDictionary(
            d => d.Key, d => (IReadOnlyDictionary<string, string>)d.Value, StringComparer.Ordinal);
    }
}
