using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Bench;

/// <summary>The benchmark of issue 5; docs/benchmarks.md says what it measures and how to read it.</summary>
internal static class BenchMain
{
    private static readonly JsonSerializerOptions JsonOut = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        // WebApplicationFactory finds the portal's content root through MvcTestingAppManifest.json in the current
        // directory (test runners start in the output folder; `dotnet run` starts wherever it was typed).
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        var log = Console.Out;
        using var cts = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            var n = Interlocked.Increment(ref signals);
            context.Cancel = n < 3;
            if (n == 1)
            {
                Console.Error.WriteLine($"\n{context.Signal}: stopping, then removing what this run made on the host (twice more to abandon the cleanup).");
                cts.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        var ct = cts.Token;

        var backend = LocalBackend.Read(LocalBackend.DefaultPath());
        if (options.CleanupRun is { } leftover)
        {
            using var cleanupPool = new SshConnectionPool();
            var (d, e) = await HostCleanup.RunAsync(new Remote(backend, cleanupPool), new RunIds(leftover), log, ct);
            await log.WriteLineAsync($"Removed {d} dataset(s) and {e} export(s) of run {leftover}.");
            return 0;
        }
        var run = new RunIds();
        var results = new BenchResults
        {
            RunId = run.Id, StartedAt = DateTime.UtcNow, Machine = Machine.Describe(),
            Command = "dotnet run -c Release --project bench/ZfsPortal.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : ""),
        };
        await log.WriteLineAsync($"ZfsPortal bench {run.Id}: datasets {backend.Pools[0]}/{run.Prefix}*, load average {Machine.LoadAvg()}");
        foreach (var (k, v) in results.Machine)
            await log.WriteLineAsync($"  {k}: {v}");

        using var benchPool = new SshConnectionPool();
        var remote = new Remote(backend, benchPool);
        BenchPortal? portal = null;
        BenchPortal? second = null;
        ShareWatch? watch = null;
        Chromium? chromium = null;
        var exitCode = 0;
        try
        {
            var existing = await HostCleanup.CountDatasetsAsync(remote, ct);
            await log.WriteLineAsync($"  the pool holds {existing} filesystems now");
            if (existing > 600)
                throw new InvalidOperationException($"The pool already holds {existing} filesystems; zfs-fuse mounts at most 1000 and this run needs ~{options.Burst + 10}. Clean up first.");

            portal = new BenchPortal(backend, run, options);
            await portal.StartAsync();
            if (options.Nodes > 1)
            {
                second = new BenchPortal(backend, run, options);
                await second.StartAsync();
                await log.WriteLineAsync($"Second node at {second.BaseAddress}, on the same PostgreSQL");
            }
            watch = new ShareWatch(portal.Get<ShareEvents>(), portal.Db);
            var portalOptions = portal.Get<IOptions<PortalOptions>>().Value;
            results.PortalSettings = new()
            {
                ["Portal:QueuePollMilliseconds"] = portalOptions.QueuePollMilliseconds,
                ["Portal:WorkerCount"] = portalOptions.WorkerCount,
                ["SshConnectionPool.ConnectionsPerBackend"] = SshConnectionPool.ConnectionsPerBackend,
            };
            await log.WriteLineAsync($"Portal at {portal.BaseAddress} (data {portal.DataDirectory}), queue poll {portalOptions.QueuePollMilliseconds} ms, {portalOptions.WorkerCount} workers");

            if (!options.SkipOps)
                await Phase("operations", async () =>
                {
                    // Floor and portal lifecycles alternate, so that both see the same load on this shared machine.
                    // Lifecycle 0 of each warms up (JIT, EF model, connections) and is not counted.
                    await log.WriteLineAsync($"Operations: {options.Samples} lifecycles of the nine operations, each as its floor "
                                             + "(host commands over one kept-open connection) and through the portal (button to final state), alternating");
                    var floors = new Floors(remote, run);
                    var ops = new PortalOps(portal, watch);
                    await using var manila = options.SkipManila ? null : await PeerDriver.StartAsync(remote.PoolName, run, ct);
                    var unguarded = manila?.Unavailable is null && PeerFloor.Unguarded(backend, benchPool) is { } peerRemote ? new Floors(peerRemote, run, "u") : null;
                    try
                    {
                        for (var i = 0; i <= options.Samples; i++)
                        {
                            await floors.LifecycleAsync(i, counted: i > 0, ct);
                            await ops.LifecycleAsync(i, counted: i > 0, ct);
                            if (manila is not null)
                                await manila.LifecycleAsync(i, counted: i > 0, ct);
                            if (unguarded is not null)
                                await unguarded.LifecycleAsync(i, counted: i > 0, ct);
                            if (i > 0 && i % 10 == 0)
                                await log.WriteLineAsync($"  {i}/{options.Samples} lifecycles");
                        }
                    }
                    finally
                    {
                        results.Floor = floors.Results;
                        results.FloorBusyRetries = floors.BusyRetries;
                        results.FloorConnections = benchPool.OpenConnections(backend);
                        results.Portal = ops.Results;
                        results.Breakdown = ops.Breakdowns;
                        results.Manila = manila?.Results;
                        results.FloorUnguarded = unguarded?.Results;
                        results.ManilaCommands = manila?.Commands;
                        results.ManilaUnavailable = options.SkipManila ? "left out (--skip-manila)." : manila?.Unavailable;
                        if (results.ManilaUnavailable is { } why)
                            await log.WriteLineAsync($"  Manila's driver: {why}");
                    }
                });

            // The probes measure portal.db and SQLite's lock; PostgreSQL's costs show in the lifecycles and the burst.
            if (options.Database is null && options.Nodes == 1 && !options.SkipProbes)
                await Phase("probes", async () =>
            {
                await log.WriteLineAsync("Probes: Hangfire, portal.db, SQLite's lock wait");
                var probes = new Probes(portal, log);
                try { await probes.RunAsync(options.Samples, ct); }
                finally { results.Probes = probes.Result; }
            });

            if (!options.SkipBurst)
                await Phase("burst", async () =>
                {
                    await log.WriteLineAsync($"{options.Burst} shares at once");
                    var burst = new Burst(portal, watch, remote, run, log) { Second = second, SkipManila = options.SkipManila || !options.ManilaBurst };
                    try
                    {
                        await burst.RunAsync(options.Burst, ct);
                        await burst.EmptyJobsAsync(options.Burst, ct);
                    }
                    finally { results.Burst = burst.Result; }
                });

            if (!options.SkipBrowser || !options.SkipPage || !options.SkipContention)
            {
                try { chromium = await Chromium.LaunchAsync(options.BrowserNice); }
                catch (Exception ex) when (ex is InvalidOperationException or PlaywrightException)
                {
                    results.Errors.Add($"Chromium: {ex.Message}");
                    await log.WriteLineAsync($"  no browser: {ex.Message}");
                }
            }

            if (!options.SkipContention)
                await ContentionPhases.RunAsync(portal, watch!, remote, run, options, chromium, results.Contention = new(), Phase, log, ct);

            if (!options.SkipBrowser && chromium is not null)
                await Phase("state to browser", async () =>
                {
                    await log.WriteLineAsync($"State to browser: {options.BrowserSamples} extends watched on an open share page");
                    var push = new BrowserBench(portal, watch, chromium, log);
                    try { await push.RunAsync(options.BrowserSamples, ct); }
                    finally { results.Push = push.Result; }
                });

            if (!options.SkipPage)
                await Phase("shares page", async () =>
                {
                    await log.WriteLineAsync($"Shares page with {options.PageShares} shares in {options.PageProjects} projects");
                    var page = new PageBench(portal, run, chromium, log);
                    results.Page = page.Result;
                    await page.SeedAsync(options.PageShares, options.PageProjects, ct);
                    await page.HttpAsync(BenchPortal.TenantEmail, page.Result.Member, options.PageSamples, ct);
                    await page.HttpAsync(BenchPortal.AdminEmail, page.Result.Admin, options.PageSamples, ct);
                    // Memory first, while few circuits linger; each set of pages stays open until both are measured.
                    var memberPages = await page.MemoryAsync(BenchPortal.TenantEmail, page.Result.Member, options.OpenPages, ct);
                    var adminPages = await page.MemoryAsync(BenchPortal.AdminEmail, page.Result.Admin, options.OpenPages, ct);
                    if (memberPages is not null) await memberPages.CloseAsync();
                    if (adminPages is not null) await adminPages.CloseAsync();
                    await page.BrowserLoadsAsync(BenchPortal.TenantEmail, page.Result.Member, options.NavSamples, ct);
                    await page.BrowserLoadsAsync(BenchPortal.AdminEmail, page.Result.Admin, options.NavSamples, ct);
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            results.Interrupted = true;
            exitCode = 130;
        }
        catch (Exception ex)
        {
            results.Errors.Add(ex.ToString());
            await Console.Error.WriteLineAsync($"The bench failed: {ex}");
            exitCode = 1;
        }
        finally
        {
            // The portal (and its Hangfire workers) stop before the host is cleaned, so no job creates anything afterwards.
            if (chromium is not null)
                await Quietly("closing Chromium", async () => await chromium.DisposeAsync());
            watch?.Dispose();
            if (second is not null)
                await Quietly("stopping the second node", async () => await second.DisposeAsync());
            if (portal is not null)
                await Quietly("stopping the portal", async () => await portal.DisposeAsync());
            await Quietly("cleaning the host", async () =>
            {
                using var cleanupTime = new CancellationTokenSource(TimeSpan.FromMinutes(10));
                var (datasets, exports) = await HostCleanup.RunAsync(remote, run, log, cleanupTime.Token);
                results.CleanedDatasets = datasets;
                results.CleanedExports = exports;
                await log.WriteLineAsync($"Cleanup: destroyed {datasets} leftover dataset(s) and {exports} export(s) of this run; the pool holds {await HostCleanup.CountDatasetsAsync(remote, cleanupTime.Token)} filesystems.");
            });
            results.FinishedAt = DateTime.UtcNow;
            results.LoadAvgEnd = Machine.LoadAvg();
            await Quietly("writing the results", async () =>
            {
                Directory.CreateDirectory(options.OutDirectory);
                var stem = Path.Combine(options.OutDirectory, $"{results.StartedAt:yyyyMMdd-HHmmss}-{run.Id}");
                await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(results, JsonOut));
                var markdown = Report.Markdown(results);
                await File.WriteAllTextAsync(stem + ".md", markdown);
                await log.WriteLineAsync();
                await log.WriteLineAsync(markdown);
                await log.WriteLineAsync($"Results: {stem}.json and .md");
            });
        }
        return exitCode;

        async Task Phase(string name, Func<Task> body)
        {
            try
            {
                await Machine.PhaseAsync(results.Loads, name, body);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OperationCanceledException and not HostHungException)
            {
                results.Errors.Add($"{name}: {ex.Message}");
                await Console.Error.WriteLineAsync($"  {name} failed: {ex}");
            }
        }

        async Task Quietly(string what, Func<Task> step)
        {
            try { await step(); }
        #pragma warning disable CA1031 // cleanup goes on whatever one step threw
            catch (Exception ex)
        #pragma warning restore CA1031
            {
                results.Errors.Add($"{what}: {ex.Message}");
                await Console.Error.WriteLineAsync($"  {what} failed: {ex.Message}");
            }
        }
    }
}
