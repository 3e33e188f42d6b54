using System.Collections.Concurrent;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Support.Fakes;

/// <summary>
/// An <see cref="IBackendProbe"/> for fast tests of the admin services and pages: answers are set per backend name
/// (a healthy host by default), and every call is recorded.
/// </summary>
public sealed class FakeBackendProbe : IBackendProbe
{
    public const string Fingerprint = "CiWLW60awwA1MzVp64YuElaO8OoheIuAZdKOIwa1GLg";

    private readonly ConcurrentDictionary<string, Func<BackendOptions, HealthReport>> _health = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<BackendOptions, PreflightReport>> _preflight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Call, string Backend)> _calls = new();
    private readonly ConcurrentDictionary<string, DatasetUsage> _usage = new(StringComparer.Ordinal);

    /// <summary>What <see cref="FetchHostKeyAsync"/> returns for every backend.</summary>
    public PresentedHostKey HostKey { get; set; } = new("ssh-ed25519", Fingerprint);

    /// <summary>("health" | "preflight" | "hostkey" | "usage", backend name), in call order.</summary>
    public IReadOnlyList<(string Call, string Backend)> Calls => [.. _calls];

    public void SetHealth(string backend, Func<BackendOptions, HealthReport> answer) => _health[backend] = answer;

    public void SetDown(string backend, string problem) =>
        SetHealth(backend, _ => new HealthReport(false, problem, [], TimeSpan.FromMilliseconds(3)));

    /// <summary>What <see cref="ReadUsageAsync"/> reports for a dataset from now on (a dataset never set is not on the host).</summary>
    public void SetUsage(string dataset, long usedBytes, long refquotaBytes) => _usage[dataset] = new DatasetUsage(dataset, usedBytes, refquotaBytes);

    public void SetPreflight(string backend, Func<BackendOptions, PreflightReport> answer) => _preflight[backend] = answer;

    /// <summary>A preflight where <paramref name="failed"/> fails with <paramref name="fix"/> and every later check is skipped.</summary>
    public void SetPreflightFailure(string backend, PreflightStep failed, string detail, string fix) =>
        SetPreflight(backend, b => Report(b, failed, detail, fix));

    public Task<PresentedHostKey> FetchHostKeyAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _calls.Enqueue(("hostkey", backend.Name));
        return Task.FromResult(HostKey);
    }

    public Task<PreflightReport> PreflightAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _calls.Enqueue(("preflight", backend.Name));
        return Task.FromResult(_preflight.TryGetValue(backend.Name, out var answer) ? answer(backend) : Report(backend, null, "", ""));
    }

    public Task<HealthReport> CheckHealthAsync(BackendOptions backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _calls.Enqueue(("health", backend.Name));
        return Task.FromResult(_health.TryGetValue(backend.Name, out var answer)
            ? answer(backend)
            : new HealthReport(true, null, [.. backend.Pools.Select(p => new PoolCapacity(p, 100L << 30, 1L << 30))], TimeSpan.FromMilliseconds(3)));
    }

    public Task<IReadOnlyList<DatasetUsage>> ReadUsageAsync(BackendOptions backend, IReadOnlyList<string> datasets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(datasets);
        _calls.Enqueue(("usage", backend.Name));
        return Task.FromResult<IReadOnlyList<DatasetUsage>>([.. datasets.Select(d => _usage.GetValueOrDefault(d)).OfType<DatasetUsage>()]);
    }

    /// <summary>Every check: passed up to <paramref name="failed"/>, which fails, then skipped (all passed when it is null).</summary>
    public static PreflightReport Report(BackendOptions backend, PreflightStep? failed, string detail, string fix)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var checks = Enum.GetValues<PreflightStep>().Select(step =>
            step == failed ? new PreflightCheck(step, PreflightRules.Name(step, backend), CheckOutcome.Failed, detail, fix)
            : step > failed ? new PreflightCheck(step, PreflightRules.Name(step, backend), CheckOutcome.Skipped, PreflightRules.Because(failed.Value, backend), null)
            : new PreflightCheck(step, PreflightRules.Name(step, backend), CheckOutcome.Passed, "ok (fake)", null)).ToList();
        return new PreflightReport(checks, failed is null ? ZfsDialects.ZfsFuse : null);
    }
}
