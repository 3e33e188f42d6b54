namespace ZfsPortal.Bench;

/// <summary>
/// Manila's driver in the burst (issue 14 point 4): a second harness, <c>bench/manila_peer.py … --green W</c>, runs
/// the driver as manila-share does (eventlet's monkey-patching) and calls create_share for all N shares at once, one
/// green thread each, as manila-share runs the casts it receives; the time is the harness's, from the start of the
/// first to the return of the last. Its datasets are POOL/zfsbench_ID_m_bNNN, so the run's cleanup removes leftovers.
/// </summary>
internal static class PeerBurst
{
    /// <summary>
    /// The connections of the driver's SSH pool (one pool here for the driver and its NFS helper, so the host sees at
    /// most this many commands at once): the width of the portal's host gate, the floor it is read against. The
    /// driver's own default is 10 per pool (zfsonlinux/utils.py, <c>max_size=10</c>); zfs-fuse 0.7 on this host
    /// deadlocked with 8 and with 16 concurrent creates (docs/adr/0010-run-operations-in-process-hangfire-as-backstop.md,
    /// docs/benchmarks.md "zfs-fuse deadlocks under concurrency"), so the bench does not give it 10.
    /// </summary>
    public const int Width = Burst.HostGateWidth;

    public static async Task RunAsync(Remote remote, RunIds run, int count, BurstResult result, TextWriter log, CancellationToken ct)
    {
        result.ManilaWidth = Width;
        await using var peer = await PeerDriver.StartAsync(remote.PoolName, run, ct, greenWidth: Width);
        if (peer.Unavailable is { } unavailable)
        {
            await Skip(unavailable);
            return;
        }
        var shares = Enumerable.Range(0, count).Select(i => Fmt.Inv($"b{i:D3}")).ToList();
        var cpu0 = Machine.CpuReading.Take();
        var harness0 = peer.ProcessorTime;
        System.Text.Json.Nodes.JsonNode? answer;
        try { answer = await peer.AskAsync("create burst", new { shares, size = 1 }, ct); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await Skip($"Manila's driver did not answer the burst within its time limit: {peer.StderrTail()}.");
            return;
        }
        var cpu = Machine.CpuReading.Take().Since(cpu0);
        if (answer is null)
        {
            await Skip($"Manila's driver harness ended during the burst: {peer.StderrTail()}.");
            return;
        }

        // Not timed: the datasets straight on the host, one at a time, as the portal's burst shares. Manila's
        // delete_share sleeps 2 s per share (driver.py, _delete_dataset_or_snapshot_with_retry): 100 would take 4 min.
        // create_share sets no sharenfs, so there is no export to remove first.
        var datasets = answer["datasets"]?.AsArray().Select(d => d?.GetValue<string>()).OfType<string>().ToList() ?? [];
        await Burst.DestroyAllAsync(remote, datasets, ct);

        var errors = answer["errors"]?.AsArray() ?? [];
        if (answer["ok"]?.GetValue<bool>() != true)
        {
            var first = errors.FirstOrDefault() is { } e ? $"{e["share"]}: {e["error"]}" : answer["error"]?.GetValue<string>() ?? peer.StderrTail();
            await Skip($"Manila's driver failed {errors.Count} of {count} creates in the burst (first: {first}).");
            return;
        }
        result.ManilaMs = answer["ms"]!.GetValue<double>();
        foreach (var ms in answer["shares_ms"]!.AsArray())
            result.ManilaDone.Add(ms!.GetValue<double>());
        result.ManilaCommandsAtOnce = answer["commands_at_once"]!.GetValue<int>();
        result.ManilaConnections = answer["pool_size"]!.GetValue<int>();
        result.ManilaHostCommands = answer["commands"]!.AsArray().Count;
        result.ManilaCores = [cpu.Machine, (peer.ProcessorTime - harness0).TotalSeconds / cpu.Seconds, cpu.ZfsFuse];
        await log.WriteLineAsync(Fmt.Inv($"  Manila's driver: {count} creates at once as green threads, {result.ManilaCommandsAtOnce} at once over {result.ManilaConnections} connections: {result.ManilaMs:F0} ms"));

        async Task Skip(string why)
        {
            result.ManilaUnavailable = why;
            await log.WriteLineAsync($"  Manila's driver: {why}");
        }
    }
}
