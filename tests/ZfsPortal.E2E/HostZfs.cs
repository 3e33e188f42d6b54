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

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Describe() => $"exit {ExitCode}; stdout: {StdOut.Trim()}; stderr: {StdErr.Trim()}";
    }

    public static async Task<Result> RunAsync(string file, params string[] args)
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
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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

    /// <summary>
    /// Destroys one share dataset the tests created. zfs-fuse answers "dataset is busy" to the first destroy of a
    /// freshly mounted dataset (and unmounts it as a side effect), so this retries a few times.
    /// </summary>
    public static async Task<string?> DestroyShareDatasetAsync(string pool, string prefix, string dataset)
    {
        // Never anything but a share dataset of this pool: the name is built from a share id.
        if (!ShareDatasetPattern().IsMatch(dataset) || !dataset.StartsWith($"{pool}/{prefix}", StringComparison.Ordinal))
            return $"refused to destroy '{dataset}': not a share dataset of pool {pool}";
        Result? last = null;
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            last = await RunAsync(Zfs, "destroy", dataset);
            if (last.ExitCode == 0 || last.StdErr.Contains("does not exist", StringComparison.Ordinal))
                return null;
            if (!last.StdErr.Contains("busy", StringComparison.OrdinalIgnoreCase))
                break;
            await Task.Delay(200 * attempt);
        }
        return $"zfs destroy {dataset}: {last!.Describe()}";
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.:-]*/[A-Za-z0-9_.:-]*[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$")]
    private static partial Regex ShareDatasetPattern();
}
