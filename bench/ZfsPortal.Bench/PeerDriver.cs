using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsPortal.Testing;

namespace ZfsPortal.Bench;

/// <summary>
/// The peer: Manila's own ZFSonLinux driver (Debian's python3-manila), its driver class run standalone by
/// bench/manila_peer.py against the same host as the portal and the floor, as its own SSH user (ADR 30). One lifecycle
/// per sample, the same nine operations in the same order; the time is the driver call's, taken inside the harness.
/// </summary>
internal sealed class PeerDriver : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(180);
    private readonly Process? _process;
    private readonly Queue<string> _stderrTail = new();

    private PeerDriver(Process? process, string? unavailable)
    {
        _process = process;
        Unavailable = unavailable;
    }

    /// <summary>Why the driver does not run (or stopped running), in one sentence; null while it runs.</summary>
    public string? Unavailable { get; private set; }

    public Dictionary<string, Series> Results { get; } = Ops.All.ToDictionary(o => o, o => new Series(o));

    /// <summary>Per operation, the host commands the driver ran (command → count over the counted samples).</summary>
    public Dictionary<string, Dictionary<string, int>> Commands { get; } = Ops.All.ToDictionary(o => o, _ => new Dictionary<string, int>());

    /// <param name="greenWidth">Burst mode (PeerBurst): the harness runs the driver under eventlet as manila-share
    /// does, over one SSH pool of this many connections, and answers "create burst".</param>
    public static async Task<PeerDriver> StartAsync(string pool, RunIds run, CancellationToken ct, int? greenWidth = null)
    {
        var peerJson = Path.Combine(Path.GetDirectoryName(LocalBackend.DefaultPath())!, "manila-peer.json");
        var script = Path.Combine(BenchOptions.RepositoryRoot(), "bench", "manila_peer.py");
        if (!File.Exists(peerJson))
            return new PeerDriver(null, $"the host has no user for Manila's driver ({peerJson} is missing): bring it up with ZFSPORTAL_MANILA_USER set (docs/benchmarks.md).");
        var peerPool = JsonNode.Parse(await File.ReadAllTextAsync(peerJson, ct))?["Pool"]?.GetValue<string>();
        if (peerPool != pool)
            return new PeerDriver(null, $"{peerJson} names pool {peerPool}, not the portal's {pool}: the comparison needs the same host.");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // The peer's datasets are POOL/zfsbench_ID_m_…, so the run's cleanup removes them with the rest.
        foreach (var a in new[] { "-I", script, peerJson, run.Prefix + "m_" })
            start.ArgumentList.Add(a);
        if (greenWidth is { } width)
            foreach (var a in new[] { "--green", Fmt.Inv($"{width}") })
                start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new PeerDriver(null, $"/usr/bin/python3 does not start ({ex.Message}).");
        }
        var peer = new PeerDriver(process, null);
        process.ErrorDataReceived += (_, e) => peer.KeepStderr(e.Data);
        process.BeginErrorReadLine();
        var ready = await peer.ReadAnswerAsync(ct);
        if (ready?["ready"]?.GetValue<bool>() != true)
            peer.Unavailable = ready?["error"] is { } error
                ? $"Manila's driver does not start: {error.GetValue<string>()} (install it with scripts/manila-driver-install.sh)."
                : $"Manila's driver harness ended before it was ready: {peer.StderrTail()}";
        return peer;
    }

    public async Task LifecycleAsync(int i, bool counted, CancellationToken ct)
    {
        if (Unavailable is not null)
            return;
        var share = Fmt.Inv($"s{i:D3}");
        var copy = Fmt.Inv($"c{i:D3}");
        var snap = Fmt.Inv($"n{i:D3}");
        var client = Fmt.Inv($"203.0.113.{(i % 250) + 1}");
        var steps = new (string Op, object Request)[]
        {
            (Ops.Create, new { share, size = 1 }),
            (Ops.Allow, new { share, client }),
            (Ops.Deny, new { share, client }),
            (Ops.SnapCreate, new { share, snapshot = snap }),
            (Ops.FromSnapshot, new { share, snapshot = snap, copy }),
            (Ops.Extend, new { share, size = 2 }),
            (Ops.Shrink, new { share, size = 1 }),
            (Ops.Delete, new { share = copy }),
            (Ops.SnapDelete, new { share, snapshot = snap }),
            (Ops.Delete, new { share }),
        };
        foreach (var (op, request) in steps)
        {
            var answer = await AskAsync(op, request, ct);
            if (answer?["ok"]?.GetValue<bool>() != true)
            {
                Unavailable = $"Manila's driver failed {op} of lifecycle {i}: {answer?["error"]?.GetValue<string>() ?? StderrTail()}; it is left out from there on.";
                return;
            }
            if (!counted)
                continue;
            Results[op].Add(answer["ms"]!.GetValue<double>());
            foreach (var command in answer["commands"]!.AsArray())
            {
                var name = command!.GetValue<string>();
                Commands[op][name] = Commands[op].GetValueOrDefault(name) + 1;
            }
        }
    }

    /// <summary>One request line (the request's properties and "op"), and its answer; null when the harness ended.</summary>
    public async Task<JsonNode?> AskAsync(string op, object request, CancellationToken ct)
    {
        var line = JsonNode.Parse(JsonSerializer.Serialize(request))!.AsObject();
        line["op"] = op;
        await _process!.StandardInput.WriteLineAsync(line.ToJsonString().AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        return await ReadAnswerAsync(ct);
    }

    /// <summary>CPU the harness process has used so far (user + system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process!.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Its last lines on stderr (oslo.log's), for a failure's message.</summary>
    public string StderrTail()
    {
        lock (_stderrTail)
            return _stderrTail.Count == 0 ? "no output" : string.Join(" / ", _stderrTail);
    }

    private async Task<JsonNode?> ReadAnswerAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        var line = await _process!.StandardOutput.ReadLineAsync(timeout.Token);
        return line is null ? null : JsonNode.Parse(line);
    }

    private void KeepStderr(string? line)
    {
        if (line is null)
            return;
        lock (_stderrTail)
        {
            _stderrTail.Enqueue(line);
            while (_stderrTail.Count > 5)
                _stderrTail.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
            return;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try { await _process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { _process.Kill(); }
            }
        }
        finally { _process.Dispose(); }
    }
}
