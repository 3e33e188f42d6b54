using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Api.Monitoring;

/// <summary>
/// The portal's gauges, read when Prometheus scrapes: operations queued and running (the queue's depth), Blazor circuits
/// open, and each enabled backend's health (1 up, 0 otherwise). A scrape reads the database at most once per
/// <see cref="ReadEvery"/>; a database that fails is reported as no sample rather than as zeros.
/// </summary>
public sealed class PortalGauges : IDisposable
{
    public const string MeterName = "ZfsPortal";
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(5);

    private static long _openCircuits;
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimeProvider _time;
    private readonly Meter _meter = new(MeterName);
    private readonly Lock _gate = new();
    private Snapshot? _last;

    private sealed record Snapshot(DateTimeOffset At, int Queued, int Running, IReadOnlyList<(string Name, bool Up)> Backends);

    public PortalGauges(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
    {
        (_dbFactory, _time) = (dbFactory, time);
        _meter.CreateObservableGauge<int>("zfsportal.operations.queued", () => One(s => s.Queued),
            unit: "{operation}", description: "Operations accepted and waiting for a worker.");
        _meter.CreateObservableGauge<int>("zfsportal.operations.running", () => One(s => s.Running),
            unit: "{operation}", description: "Operations running now.");
        _meter.CreateObservableGauge<int>("zfsportal.backend.up",
            () => PerBackend(),
            description: "1 when the backend's last health check found it up, else 0.");
        _meter.CreateObservableUpDownCounter("zfsportal.circuits.open", () => Interlocked.Read(ref _openCircuits),
            unit: "{circuit}", description: "Blazor circuits (open browser pages) connected to this node.");
    }

    private IEnumerable<Measurement<int>> One(Func<Snapshot, int> value) => Read() is { } s ? [new(value(s))] : [];

    private IEnumerable<Measurement<int>> PerBackend() => Read() is { } s
        ? [.. s.Backends.Select(b => new Measurement<int>(b.Up ? 1 : 0, new KeyValuePair<string, object?>("backend", b.Name)))]
        : [];

    private Snapshot? Read()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_last is { } last && now - last.At < ReadEvery)
                return last;
            try
            {
                using var db = _dbFactory.CreateDbContext();
                var states = db.Operations.AsNoTracking()
                    .Where(o => o.State == OperationState.Queued || o.State == OperationState.Running)
                    .GroupBy(o => o.State).Select(g => new { g.Key, Count = g.Count() }).ToList();
                var backends = db.Backends.AsNoTracking().Where(b => b.Enabled).Select(b => new { b.Settings.Name, b.Health }).ToList();
                _last = new Snapshot(now, states.FirstOrDefault(s => s.Key == OperationState.Queued)?.Count ?? 0,
                    states.FirstOrDefault(s => s.Key == OperationState.Running)?.Count ?? 0,
                    [.. backends.Select(b => (b.Name, b.Health == BackendHealth.Up))]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _last = null;
            }
            return _last;
        }
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>Counts circuits as they open and close.</summary>
    public sealed class CircuitCounter : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _openCircuits);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref _openCircuits);
            return Task.CompletedTask;
        }
    }
}
