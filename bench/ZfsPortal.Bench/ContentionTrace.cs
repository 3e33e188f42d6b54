using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ZfsPortal.Bench;

/// <summary>
/// Where a burst of requests spends its time inside the portal's process, from events the portal already raises:
/// EF Core's DiagnosticListener (BEGIN = the wait for SQLite's write lock, each command, each commit), Blazor's
/// inbound circuit activity (a click arriving at its circuit and its handler's run), and the thread pool (threads,
/// queued work items, how late a 10 ms timer fires). Recording is on only between <see cref="Start"/> and <see cref="Stop"/>.
/// </summary>
internal sealed class ContentionTrace : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentQueue<Span> _spans = new();
    private readonly ConcurrentDictionary<Guid, double> _open = new();
    private volatile bool _on;
    private long _t0;
    private CancellationTokenSource? _sampling;
    private Task _sampler = Task.CompletedTask;

    /// <summary>One per process: the portal's container takes its circuit hook at start.</summary>
    public static ContentionTrace Shared { get; } = new();

    private ContentionTrace()
    {
        Circuits = new InboundTimer(this);
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    /// <summary>One timed thing: kind, start and end in ms since <see cref="Start"/>.</summary>
    internal sealed record Span(string Kind, double Start, double End, string Detail = "")
    {
        public double Ms => End - Start;
    }

    internal sealed record PoolSample(double At, int Threads, long Pending, double TimerLateMs);

    public ConcurrentQueue<PoolSample> Pool { get; } = new();

    /// <summary>The Blazor hook: registered as a CircuitHandler in the bench's portal.</summary>
    public CircuitHandler Circuits { get; }

    public void Start()
    {
        _spans.Clear();
        _open.Clear();
        Pool.Clear();
        _t0 = Stopwatch.GetTimestamp();
        _on = true;
        _sampling = new CancellationTokenSource();
        var ct = _sampling.Token;
        // A dedicated thread: a sampler on the thread pool would itself starve with what it measures.
        _sampler = Task.Factory.StartNew(() =>
        {
            while (!ct.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                Thread.Sleep(10);
                var late = Clock.Ms(before, Stopwatch.GetTimestamp()) - 10;
                Pool.Enqueue(new PoolSample(Now(), ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, late));
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // How late the thread pool runs a 10 ms timer's continuation: work queued behind blocked threads waits this long.
        _ = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                await Task.Delay(10, CancellationToken.None);
                Add("pool: 10 ms timer", Clock.Ms(_t0, before), Now(), "");
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync()
    {
        _on = false;
        if (_sampling is not null)
        {
            await _sampling.CancelAsync();
            await _sampler;
            _sampling.Dispose();
        }
    }

    public IReadOnlyList<Span> Spans => [.. _spans];

    public static double ProcessCpuMs()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMilliseconds;
    }

    public double Now() => Clock.Ms(_t0, Stopwatch.GetTimestamp());

    /// <summary>Milliseconds since <see cref="Start"/> of a wall-clock time (the browser's Date.now()).</summary>
    public double FromUnix(double unixMs) => unixMs - (Clock.UnixMs() - Now());

    private void Add(string kind, double start, double end, string detail)
    {
        if (_on)
            _spans.Enqueue(new Span(kind, start, end, detail));
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == Microsoft.EntityFrameworkCore.DbLoggerCategory.Name)
            lock (_subscriptions)
                _subscriptions.Add(listener.Subscribe(this, IsWanted));
    }

    private static bool IsWanted(string name) =>
        name == RelationalEventId.TransactionStarted.Name || name == RelationalEventId.TransactionCommitted.Name
        || name == RelationalEventId.TransactionDisposed.Name
        || name == RelationalEventId.CommandExecuted.Name || name == RelationalEventId.ConnectionOpened.Name;

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (!_on)
            return;
        var end = Now();
        switch (e.Value)
        {
            case TransactionEndEventData t when e.Key == RelationalEventId.TransactionStarted.Name:
                Add("db: BEGIN (write lock wait)", end - t.Duration.TotalMilliseconds, end, Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _open[t.TransactionId] = end;
                break;
            case TransactionEndEventData t:
                Add("db: COMMIT", end - t.Duration.TotalMilliseconds, end, "");
                break;
            case TransactionEventData t when e.Key == RelationalEventId.TransactionDisposed.Name:
                if (_open.TryRemove(t.TransactionId, out var began))
                    Add("db: transaction (write lock held)", began, end, "");
                break;
            case CommandExecutedEventData c:
                var text = c.Command.CommandText.TrimStart();
                var verb = text.Split([' ', '\n'], 2)[0].ToUpperInvariant();
                Add($"db: {verb}", end - c.Duration.TotalMilliseconds, end, text.Length > 80 ? text[..80] : text);
                break;
            case ConnectionEndEventData o:
                Add("db: open connection", end - o.Duration.TotalMilliseconds, end, "");
                break;
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        _on = false;
        _sampling?.Cancel();
        lock (_subscriptions)
            foreach (var s in _subscriptions)
                s.Dispose();
    }

    /// <summary>Every inbound activity of every circuit (a click, a JS interop answer): when it started on the server and how long its handler ran.</summary>
    private sealed class InboundTimer(ContentionTrace trace) : CircuitHandler
    {
        public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
            async context =>
            {
                var start = trace.Now();
                await next(context);
                trace.Add("circuit: inbound activity", start, trace.Now(), context.Circuit.Id);
            };
    }
}
