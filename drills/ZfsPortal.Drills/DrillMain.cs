using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ZfsPortal.Drills;

/// <summary>The fault drills of issue 10; docs/reliability.md says what each does and how to read the table.</summary>
internal static class DrillMain
{
    public static async Task<int> Main(string[] args)
    {
        var options = DrillOptions.Parse(args);
        // WebApplicationFactory finds the portal's content root through MvcTestingAppManifest.json in the current directory.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        var log = Console.Out;
        using var cts = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            Console.Error.WriteLine("\nSIGINT: stopping; the drill host is taken down at the end.");
            cts.Cancel();
        });
        var ct = cts.Token;
        var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var started = DateTime.UtcNow;
        await log.WriteLineAsync($"ZfsPortal drills {runId}: {string.Join(',', options.Only)}; load average {File.ReadAllText("/proc/loadavg").Trim()}");

        var host = new DrillHost();
        var rows = new List<DrillRow>();
        var errors = new List<string>();
        try
        {
            await host.UpAsync(log);
            async Task Drill(string name, Func<Task> body)
            {
                if (!options.Only.Contains(name))
                    return;
                await log.WriteLineAsync($"{name}:");
                try { await body(); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    errors.Add($"{name}: {ex.Message}");
                    await Console.Error.WriteLineAsync($"  {name} failed: {ex}");
                }
            }
            await Drill("hostile", async () => rows.Add(await HostileDrill.RunAsync(host, runId, log, ct)));
            await Drill("hostile-browser", async () => rows.Add(await HostileBrowserDrill.RunAsync(host, runId, log, ct)));
            await Drill("poolfull", async () => rows.Add(await FaultDrills.PoolFullAsync(host, runId, options.Repeats, log, ct)));
            await Drill("diskfull", async () => rows.Add(await FaultDrills.DiskFullAsync(host, runId, options.Repeats, log, ct)));
            await Drill("sshd", async () => rows.Add(await FaultDrills.SshdAsync(host, runId, options.Repeats, log, ct)));
            await Drill("freeze", async () => rows.Add(await FaultDrills.FreezeAsync(host, runId, options.Repeats, log, ct)));
            await Drill("restart", async () => rows.Add(await RestartDrill.RunAsync(host, runId, options.Repeats, log, ct)));
            await Drill("kill", async () => rows.AddRange(await KillDrill.RunAsync(host, runId, options.Runs, log, ct)));
        }
        finally
        {
            await DrillHost.DownAsync(log);
        }

        var md = Report(options, args, runId, started, rows, errors);
        Directory.CreateDirectory(Path.GetDirectoryName(options.Output)!);
        await File.WriteAllTextAsync(options.Output, md);
        await log.WriteLineAsync(md);
        await log.WriteLineAsync($"Results: {options.Output}");
        return rows.All(r => r.Lost == 0 && r.Orphans.Count == 0 && r.Mismatches.Count == 0) && errors.Count == 0 ? 0 : 1;
    }

    private static string Report(DrillOptions options, string[] args, string runId, DateTime started, List<DrillRow> rows, List<string> errors)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run {runId}, {started:yyyy-MM-dd HH:mm} UTC, {(DateTime.UtcNow - started).TotalMinutes:F0} min; load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project drills/ZfsPortal.Drills{(args.Length > 0 ? " -- " + string.Join(' ', args) : "")}`");
        sb.AppendLine();
        sb.AppendLine("| drill | runs | faults injected | operations lost | orphans | mismatches | time to recover (median / max) |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Drill} | {r.Runs} | {r.Faults} | {r.Lost} | {r.Orphans.Count} | {r.Mismatches.Count} | {DrillRow.Median(r.RecoverSeconds)} |");
        sb.AppendLine();
        foreach (var r in rows.Where(r => r.Notes.Count + r.Orphans.Count + r.Mismatches.Count > 0))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Drill}:");
            foreach (var n in r.Notes.Concat(r.Orphans).Concat(r.Mismatches).Take(40))
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {n.Replace("\n", "\\n", StringComparison.Ordinal)}");
            sb.AppendLine();
        }
        foreach (var e in errors)
            sb.AppendLine(CultureInfo.InvariantCulture, $"- ERROR {e}");
        return sb.ToString();
    }
}
