using System.Globalization;

namespace ZfsPortal.Storage;

/// <summary>
/// What NFS-Ganesha serves for one path, as the host's Ganesha program prints it: <c>export ID PATH</c>, then one
/// <c>client CLIENT rw|ro|none SQUASH</c> line per client (tab-separated); nothing at all when it does not export the path.
/// </summary>
public sealed record GaneshaExport(int? ExportId, IReadOnlyList<NfsClientRule> Clients)
{
    /// <exception cref="FormatException">A line the program never prints, or a client the portal cannot express.</exception>
    public static GaneshaExport Parse(string output, string mountpoint)
    {
        ArgumentNullException.ThrowIfNull(output);
        int? id = null;
        var clients = new List<NfsClientRule>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split('\t');
            switch (words)
            {
                case ["export", var number, var path] when id is null && path == mountpoint
                                                           && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    id = n;
                    break;
                case ["client", var client, var level, var squash] when id is not null:
                    clients.Add(Rule(client, level, squash, line));
                    break;
                default:
                    throw new FormatException($"'{line}' is not an export or client line of {mountpoint}.");
            }
        }

        return new GaneshaExport(id, clients);
    }

    private static NfsClientRule Rule(string client, string level, string squash, string line)
    {
        var target = AccessTarget.TryParse(client, out _);
        var parsed = NfsAccessLevels.FromManila(level);
        if (target is null || parsed is null || squash is not ("root_squash" or "no_root_squash"))
        {
            throw new FormatException(
                $"'{line}' is a client the portal never writes (an address or network, rw or ro, root_squash or no_root_squash); someone changed the export by hand.");
        }

        return new NfsClientRule(target, parsed.Value, squash == "root_squash");
    }
}
