using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ZfsPortal.Bench;

internal sealed class PhaseLoad
{
    public string Phase { get; set; } = "";
    public double Seconds { get; set; }
    public string LoadAvgBefore { get; set; } = "";
    public string LoadAvgAfter { get; set; } = "";
    /// <summary>Whole machine, % of all cores busy (from /proc/stat).</summary>
    public double MachineBusyPercent { get; set; }
    /// <summary>This process (bench + in-process portal), % of all cores.</summary>
    public double BenchPercent { get; set; }
    /// <summary>
    /// Cores used by processes that are neither this one nor its children (Chromium) nor the storage host's (zfs-fuse,
    /// the private sshd and what runs under it): other engineers' work. Counted over processes alive at both ends
    /// (with their reaped children), so it is a floor of the truth.
    /// </summary>
    public double OthersCores { get; set; }
    /// <summary>Cores used by the storage host: zfs-fuse, the private sshd and the sudo/zfs/exportfs it runs (anyone's).</summary>
    public double HostCores { get; set; }
    /// <summary>The other processes that used the most CPU in the phase (command name and cores).</summary>
    public string OthersTop { get; set; } = "";
    /// <summary>Cores used by kernel threads (FUSE, ext4 journal, memory management work for everyone).</summary>
    public double KernelCores { get; set; }
    /// <summary>Cores used by this process's children: Playwright's driver and Chromium.</summary>
    public double BrowserCores { get; set; }
}

/// <summary>The machine, and how busy it was during each phase (the machine is shared with other engineers).</summary>
internal static class Machine
{
    public static string LoadAvg() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static Dictionary<string, string> Describe()
    {
        var info = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["cpu"] = CpuModel(),
            ["memory"] = MemTotal(),
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["server GC"] = System.Runtime.GCSettings.IsServerGC.ToString(),
            ["zfs-fuse"] = Run("dpkg-query", "-W", "-f=${Version}", "zfs-fuse"),
            ["chromium"] = File.Exists(Chromium.Path) ? Run(Chromium.Path, "--version") : "missing",
            ["sqlite"] = SqliteVersion(),
        };
        return info;
    }

    private static string SqliteVersion()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        c.Open();
        return c.ServerVersion;
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    private static string MemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal)) : null;
        if (line is null)
            return "?";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return Fmt.Inv($"{kb / 1024.0 / 1024.0:F1} GiB");
    }

    private static string Run(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(10_000);
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    /// <summary>Measures one phase: load averages at both ends, machine and own CPU in between.</summary>
    public static async Task<T> PhaseAsync<T>(List<PhaseLoad> loads, string phase, Func<Task<T>> body)
    {
        var load = new PhaseLoad { Phase = phase, LoadAvgBefore = LoadAvg() };
        var procs0 = ProcessTicks();
        var (busy0, total0) = CpuTicks();
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        try
        {
            return await body();
        }
        finally
        {
            var seconds = clock.Elapsed.TotalSeconds;
            self.Refresh();
            var (busy1, total1) = CpuTicks();
            load.Seconds = seconds;
            load.MachineBusyPercent = total1 > total0 ? 100.0 * (busy1 - busy0) / (total1 - total0) : double.NaN;
            load.BenchPercent = 100.0 * (self.TotalProcessorTime - cpu0).TotalSeconds / (seconds * Environment.ProcessorCount);
            load.LoadAvgAfter = LoadAvg();
            (load.OthersCores, load.HostCores, load.BrowserCores, load.KernelCores, load.OthersTop) = Split(procs0, ProcessTicks(), seconds);
            loads.Add(load);
        }
    }

    public static Task PhaseAsync(List<PhaseLoad> loads, string phase, Func<Task> body) =>
        PhaseAsync(loads, phase, async () => { await body(); return true; });

    /// <summary>A reading of CPU time: the machine's, this process's, and zfs-fuse's (the host side of every command).</summary>
    public sealed record CpuReading(long MachineBusy, long MachineTotal, TimeSpan Bench, long ZfsFuseTicks, long At)
    {
        public static CpuReading Take()
        {
            var (busy, total) = CpuTicks();
            using var self = Process.GetCurrentProcess();
            return new CpuReading(busy, total, self.TotalProcessorTime, ReadZfsFuseTicks(), Stopwatch.GetTimestamp());
        }

        /// <summary>Cores' worth of CPU used between two readings: (machine, this process, zfs-fuse), and the seconds between.</summary>
        public (double Machine, double Bench, double ZfsFuse, double Seconds) Since(CpuReading before)
        {
            var seconds = Stopwatch.GetElapsedTime(before.At, At).TotalSeconds;
            var machine = MachineTotal > before.MachineTotal
                ? Environment.ProcessorCount * (MachineBusy - before.MachineBusy) / (double)(MachineTotal - before.MachineTotal) : double.NaN;
            return (machine, (Bench - before.Bench).TotalSeconds / seconds, (ZfsFuseTicks - before.ZfsFuseTicks) / 100.0 / seconds, seconds);
        }
    }

    /// <summary>utime + stime of the zfs-fuse daemon, in clock ticks (USER_HZ = 100); 0 when it is not found.</summary>
    private static long ReadZfsFuseTicks()
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var comm = Path.Combine(dir, "comm");
                if (!int.TryParse(Path.GetFileName(dir), out _) || !File.Exists(comm) || File.ReadAllText(comm).Trim() != "zfs-fuse")
                    continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>The lowest and highest nice value of any thread of any Chromium process now ("" when none runs).</summary>
    public static string ChromiumNice()
    {
        var nice = new List<int>();
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _) || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "chromium")
                    continue;
                foreach (var task in Directory.EnumerateDirectories(Path.Combine(dir, "task")))
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    nice.Add(int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture));
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return nice.Count == 0 ? "" : nice.Min() == nice.Max() ? Fmt.Inv($"{nice.Min()}") : Fmt.Inv($"{nice.Min()} to {nice.Max()}");
    }

    private sealed record Proc(int Pid, int Ppid, string Comm, string Cmdline, long Ticks, long ReapedTicks);

    /// <summary>Every process with utime+stime+cutime+cstime (clock ticks, USER_HZ = 100).</summary>
    private static Dictionary<int, Proc> ProcessTicks()
    {
        var all = new Dictionary<int, Proc>();
        if (!Directory.Exists("/proc"))
            return all;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var comm = stat[(open + 1)..close];
                var f = stat[(close + 2)..].Split(' ');
                long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                all[pid] = new Proc(pid, (int)L(1), comm, cmdline, L(11) + L(12) + L(13) + L(14), L(13) + L(14));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (FormatException) { }
        }
        return all;
    }

    private static (double Others, double Host, double Children, double Kernel, string OthersTop) Split(Dictionary<int, Proc> before, Dictionary<int, Proc> after, double seconds)
    {
        var self = Environment.ProcessId;
        bool Under(Proc p, Func<Proc, bool> root)
        {
            for (var hops = 0; p is not null && hops < 64; hops++)
            {
                if (root(p))
                    return true;
                if (!after.TryGetValue(p.Ppid, out var parent))
                    return false;
                p = parent;
            }
            return false;
        }
        bool IsHostRoot(Proc p) => p.Comm == "zfs-fuse" || (p.Comm == "sshd" && p.Cmdline.Contains("/zfsportal-host/", StringComparison.Ordinal));
        long others = 0, host = 0, children = 0, kernel = 0;
        var top = new Dictionary<string, long>();
        foreach (var (pid, now) in after)
        {
            if (!before.TryGetValue(pid, out var then) || then.Comm != now.Comm)
                continue;
            var delta = now.Ticks - then.Ticks;
            if (delta <= 0)
                continue;
            if (pid == self)
                continue;
            if (pid == 1)
            {
                // init reaps orphans: zfs-fuse's mount/umount helpers (and anyone's daemonized children). Count what it
                // reaped as host work, its own time as others'.
                var reaped = now.ReapedTicks - then.ReapedTicks;
                host += reaped;
                delta -= reaped;
            }
            if (Under(now, p => p.Pid == self))
                children += delta;
            else if (Under(now, IsHostRoot))
                host += delta;
            else if (pid == 2 || now.Ppid == 2)
                kernel += delta;
            else
            {
                others += delta;
                top[now.Comm] = top.GetValueOrDefault(now.Comm) + delta;
            }
        }
        var named = string.Join(", ", top.OrderByDescending(t => t.Value).Take(3).Where(t => t.Value / 100.0 / seconds >= 0.01)
            .Select(t => Fmt.Inv($"{t.Key} {t.Value / 100.0 / seconds:F2}")));
        return (others / 100.0 / seconds, host / 100.0 / seconds, children / 100.0 / seconds, kernel / 100.0 / seconds, named);
    }

    private static (long Busy, long Total) CpuTicks()
    {
        if (!File.Exists("/proc/stat"))
            return (0, 0);
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + (cpu.Length > 4 ? cpu[4] : 0);
        var total = cpu.Take(8).Sum();
        return (total - idle, total);
    }
}
