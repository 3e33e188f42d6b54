using System.Diagnostics;
using System.Text;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// A real NFS client (libnfs-utils: nfs-cp, nfs-cat, nfs-ls) in a network namespace of its own, with its own address
/// on a veth pair whose other end is plugged into the bridge of the server's namespace. Nothing of it is in the
/// machine's own network namespace. Disposing deletes the namespace, and with it both ends of the pair.
/// </summary>
public sealed class NfsClient : IAsyncDisposable
{
    private readonly string _server;

    private NfsClient(string netns, string address, string server)
    {
        Netns = netns;
        Address = address;
        _server = server;
    }

    public string Netns { get; }

    public string Address { get; }

    public static async Task<NfsClient> CreateAsync(string netns, string serverNetns, string address, string serverIp)
    {
        var client = new NfsClient(netns, address, serverIp);
        var veth = "zfsp-" + netns.Split('-')[^1];   // zfsp-cN: interface names are 15 characters at most
        await RunAsync("/usr/sbin/ip", "netns", "delete", netns).ConfigureAwait(false);   // left by a crashed run
        await MustAsync("/usr/sbin/ip", "netns", "add", netns).ConfigureAwait(false);
        try
        {
            await MustAsync("/usr/sbin/ip", "-n", netns, "link", "add", veth, "type", "veth", "peer", "name", veth + "p", "netns", serverNetns).ConfigureAwait(false);
            await MustAsync("/usr/sbin/ip", "-n", serverNetns, "link", "set", veth + "p", "master", "zfsp-br0", "up").ConfigureAwait(false);
            await MustAsync("/usr/sbin/ip", "-n", netns, "addr", "add", address + "/24", "dev", veth).ConfigureAwait(false);
            await MustAsync("/usr/sbin/ip", "-n", netns, "link", "set", veth, "up").ConfigureAwait(false);
            await MustAsync("/usr/sbin/ip", "-n", netns, "link", "set", "lo", "up").ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    /// <summary>The NFSv3 URL of a path on the server, as this client's user <paramref name="uid"/>.</summary>
    public string Url(string path, int uid) => $"nfs://{_server}{path}?uid={uid}&gid={uid}&version=3";

    /// <summary>Copies text into a new file on the export; the result says whether the server let it.</summary>
    public async Task<Result> WriteAsync(string path, string text, int uid)
    {
        var local = Path.Combine(Path.GetTempPath(), $"zfsp-nfs-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(local, text).ConfigureAwait(false);
        try
        {
            return await InsideAsync("/usr/bin/nfs-cp", local, Url(path, uid)).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(local);
        }
    }

    public Task<Result> ReadAsync(string path, int uid = 1000) => InsideAsync("/usr/bin/nfs-cat", Url(path, uid));

    /// <summary><c>nfs-ls -s</c>: the listing, then "USED of TOTAL bytes free" (the server's FSSTAT, what df reads).</summary>
    public Task<Result> ListAsync(string path, int uid = 1000) => InsideAsync("/usr/bin/nfs-ls", "-s", Url(path, uid));

    /// <summary>The total size the server's FSSTAT reports for the export (what df shows), from <c>nfs-ls -s</c>.</summary>
    public async Task<long> TotalBytesAsync(string path)
    {
        var listing = await ListAsync(path).ConfigureAwait(false);
        var at = listing.Output.LastIndexOf(" bytes free", StringComparison.Ordinal);
        var words = at < 0 ? [] : listing.Output[..at].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && long.TryParse(words[^1], System.Globalization.CultureInfo.InvariantCulture, out var total)
            ? total
            : throw new InvalidOperationException($"nfs-ls -s {path} printed no size (exit {listing.ExitCode}): {listing.Output}");
    }

    public async ValueTask DisposeAsync() => await RunAsync("/usr/sbin/ip", "netns", "delete", Netns).ConfigureAwait(false);

    private Task<Result> InsideAsync(params string[] argv) => RunAsync("/usr/sbin/ip", ["netns", "exec", Netns, .. argv]);

    private static async Task MustAsync(string file, params string[] args)
    {
        var result = await RunAsync(file, args).ConfigureAwait(false);
        if (!result.Ok)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed (exit {result.ExitCode}): {result.Output}");
        }
    }

    private static async Task<Result> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return new Result(process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>Exit code and everything the command printed.</summary>
    public sealed record Result(int ExitCode, string Output)
    {
        public bool Ok => ExitCode == 0;
    }
}
