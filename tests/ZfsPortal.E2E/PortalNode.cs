using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ZfsPortal.E2E;

/// <summary>
/// One portal node in a child process (`dotnet ZfsPortal.dll` from this project's output, Development so that it
/// serves its static web assets from the build), for the multi-node tests: several of them share one PostgreSQL, and a
/// test can kill one with SIGKILL. Its output goes to a log file whose path failures name.
/// </summary>
public sealed class PortalNode(string name, IReadOnlyDictionary<string, string?> settings) : IAsyncDisposable
{
    private Process? _process;

    public string Name { get; } = name;
    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public int Pid => _process?.Id ?? 0;
    public string LogPath { get; } = Path.Combine(Path.GetTempPath(), $"zfsportal-node-{name}-{Environment.ProcessId}.log");

    public async Task StartAsync()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // exec: the pid a test kills is the portal's own, not a shell's.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$1\" >\"$2\" 2>&1", dotnet, Path.Combine(AppContext.BaseDirectory, "ZfsPortal.dll"), LogPath })
            start.ArgumentList.Add(a);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start portal node {Name}.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Portal node {Name} exited with {_process.ExitCode} at start: {Tail()}");
            try
            {
                using var r = await http.GetAsync(new Uri(BaseAddress, "/account/login"));
                if (r.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"Portal node {Name} did not answer within 2 minutes: {Tail()}");
    }

    /// <summary>SIGKILL: no stop handlers run, as when a machine loses power or the OOM killer strikes.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } p)
            return;
        p.Kill(entireProcessTree: false);
        await p.WaitForExitAsync();
    }

    public string Tail()
    {
        try { return string.Join('\n', File.ReadLines(LogPath).TakeLast(30)); }
        catch (IOException) { return $"(no log at {LogPath})"; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            // SIGTERM first: a normal stop releases the node's lease and flushes its backstops.
            using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await p.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { await KillAsync(); }
        }
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
