using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ZfsPortal.E2E;

/// <summary>
/// The local ZFS host, read and cleaned up directly: the tests run as root on the machine that serves the
/// pool, so they check the portal's work with the real <c>zfs</c> command rather than through the portal.
/// </summary>
public static partial class HostZfs
{
    public const string Zfs = "/usr/sbin/zfs";
    public const string Exportfs = "/usr/sbin/exportfs";

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Describe() => $"exit {ExitCode}; stdout: {StdOut.Trim()}; stderr: {StdErr.Trim()}";
    }

    public static Task<Result> RunAsync(string file, params string[] args) => RunAsync(file, [], TimeSpan.FromSeconds(30), args);

    /// <summary>With more environment (a null value removes the variable) and another time limit, e.g. for scripts/storage-host.sh.</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<(string Name, string? Value)> environment, TimeSpan limit, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Properties of one dataset in bytes (<c>zfs get -H -p</c>), or null if it does not exist.</summary>
    public static async Task<IReadOnlyDictionary<string, string>?> GetAsync(string dataset, params string[] properties)
    {
        var r = await RunAsync(Zfs, "get", "-H", "-p", "-o", "name,property,value", string.Join(',', properties), dataset);
        if (r.ExitCode != 0)
        {
            if (r.StdErr.Contains("does not exist", StringComparison.Ordinal))
                return null;
            throw new InvalidOperationException($"zfs get {dataset} failed: {r.Describe()}");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cols = line.Split('\t');
            if (cols.Length == 3 && cols[0] == dataset)
                values[cols[1]] = cols[2];
        }
        return values;
    }

    /// <summary>Local <c>zfs list -H -o name -r POOL</c>: every filesystem of the pool (the pool itself first).</summary>
    public static async Task<IReadOnlyList<string>> DatasetsAsync(string pool)
    {
        var r = await RunAsync(Zfs, "list", "-H", "-o", "name", "-t", "filesystem", "-r", pool);
        return r.ExitCode == 0
            ? r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : throw new InvalidOperationException($"zfs list -r {pool} failed: {r.Describe()}");
    }

    /// <summary>Local <c>zfs list -H -o name -t snapshot -r DATASET</c>; empty when the dataset does not exist.</summary>
    public static async Task<IReadOnlyList<string>> SnapshotsAsync(string dataset)
    {
        var r = await RunAsync(Zfs, "list", "-H", "-o", "name", "-t", "snapshot", "-r", dataset);
        if (r.ExitCode != 0)
            return r.StdErr.Contains("does not exist", StringComparison.Ordinal)
                ? []
                : throw new InvalidOperationException($"zfs list -t snapshot {dataset} failed: {r.Describe()}");
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>One entry of the NFS server's export table: the exported path, the client as listed, its options.</summary>
    public sealed record Export(string Path, string Client, string Options)
    {
        public IReadOnlyList<string> OptionList => Options.Split(',');
    }

    /// <summary>
    /// Local <c>exportfs -v</c>, parsed here (not with the portal's parser): a long path stands alone on its line and
    /// its clients follow indented; a short one shares its line with the first client.
    /// </summary>
    public static async Task<IReadOnlyList<Export>> ExportsAsync()
    {
        var r = await RunAsync(Exportfs, "-v");
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"exportfs -v failed: {r.Describe()}");
        var entries = new List<Export>();
        var path = "";
        foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
                continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                path = words[0];
                words = words[1..];
            }
            if (words.Length == 1 && words[0].IndexOf('(', StringComparison.Ordinal) is > 0 and var open && words[0].EndsWith(')'))
                entries.Add(new Export(path, words[0][..open], words[0][(open + 1)..^1]));
        }
        return entries;
    }

    /// <summary>The export table's entries for exactly <paramref name="path"/>.</summary>
    public static async Task<IReadOnlyList<Export>> ExportsOfAsync(string path) =>
        [.. (await ExportsAsync()).Where(e => e.Path == path)];

    /// <summary>Local <c>exportfs -u CLIENT:PATH</c> for every entry of <paramref name="path"/>; returns what went wrong, if anything.</summary>
    public static async Task<string?> UnexportAsync(string path)
    {
        var problems = new List<string>();
        foreach (var e in await ExportsOfAsync(path))
        {
            var client = e.Client == "<world>" ? "*" : e.Client.Contains(':', StringComparison.Ordinal) ? $"[{e.Client}]" : e.Client;
            var r = await RunAsync(Exportfs, "-u", $"{client}:{path}");
            if (r.ExitCode != 0)
                problems.Add($"exportfs -u {client}:{path}: {r.Describe()}");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// Removes one share dataset the tests created, with whatever the run may have left of it: its NFS exports
    /// (<c>exportfs -u</c>, also when the dataset itself is already gone) and its snapshots (<c>zfs destroy -r</c>).
    /// zfs-fuse answers "dataset is busy" to the first destroy of a freshly mounted dataset (and unmounts it as a
    /// side effect), so this retries a few times. A dataset that other datasets were cloned from fails with
    /// "dependent clones": destroy the clones first (the fixture goes newest first and makes a second pass).
    /// </summary>
    public static async Task<string?> DestroyShareDatasetAsync(string pool, string prefix, string dataset)
    {
        // Never anything but a share dataset of this pool: the name is built from a share id.
        if (!ShareDatasetPattern().IsMatch(dataset) || !dataset.StartsWith($"{pool}/{prefix}", StringComparison.Ordinal))
            return $"refused to destroy '{dataset}': not a share dataset of pool {pool}";

        var problems = new List<string>();
        // Where it is (or was) mounted: what it says, and the default under the pool's mount point.
        var mountpoints = new SortedSet<string>(StringComparer.Ordinal) { "/" + dataset };
        if (await GetAsync(dataset, "mountpoint") is { } props && props.TryGetValue("mountpoint", out var mp) && mp.StartsWith('/'))
            mountpoints.Add(mp);
        foreach (var path in mountpoints)
            if (await UnexportAsync(path) is { } unexportProblem)
                problems.Add(unexportProblem);

        Result? last = null;
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            last = await RunAsync(Zfs, "destroy", "-r", dataset);
            if (last.ExitCode == 0 || last.StdErr.Contains("does not exist", StringComparison.Ordinal))
            {
                last = null;
                break;
            }
            if (!last.StdErr.Contains("busy", StringComparison.OrdinalIgnoreCase))
                break;
            await Task.Delay(200 * attempt);
        }
        if (last is not null)
            problems.Add($"zfs destroy -r {dataset}: {last.Describe()}");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.:-]*/[A-Za-z0-9_.:-]*[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$")]
    private static partial Regex ShareDatasetPattern();
}
