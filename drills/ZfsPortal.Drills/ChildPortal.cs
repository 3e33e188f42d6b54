using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ZfsPortal.Drills;

/// <summary>
/// The portal that runs the jobs, in a child process (`dotnet ZfsPortal.dll` from this program's output), so that a
/// drill can kill it with SIGKILL and start it again on the same data directory. Its output goes to child.log there.
/// </summary>
internal sealed class ChildPortal(string dataDirectory, IReadOnlyDictionary<string, string?> settings) : IDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort();
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;
    public string LogPath => Path.Combine(dataDirectory, "child.log");

    /// <summary>Starts it and waits until it answers HTTP (hosted services, recovery included, have started by then).</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // exec: the pid we kill is the portal's own, not a shell's.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$1\" >>\"$2\" 2>&1", dotnet, Path.Combine(AppContext.BaseDirectory, "ZfsPortal.dll"), LogPath })
            start.ArgumentList.Add(a);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child portal.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The child portal exited with {_process.ExitCode} at start; see {LogPath}.");
            try
            {
                using var r = await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/account/login"), ct);
                if (r.StatusCode == HttpStatusCode.OK)
                    return clock.Elapsed;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct);
        }
        throw new InvalidOperationException($"The child portal did not answer within 2 minutes; see {LogPath}.");
    }

    /// <summary>SIGKILL: no stop handlers, no flush, as a power cut or the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } p)
            return;
        p.Kill(entireProcessTree: false);
        await p.WaitForExitAsync();
    }

    /// <summary>A normal stop (SIGTERM), for the end of a drill.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p)
            return;
        Proc.Signal(p.Id, "TERM");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { await KillAsync(); }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } p)
            p.Kill();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
