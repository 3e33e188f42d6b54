using System.Globalization;

namespace ZfsPortal.Drills;

/// <summary>Command-line options; the defaults are what issue 10 asks for.</summary>
internal sealed class DrillOptions
{
    /// <summary>The drills run without being named; freeze and restart stop the machine's one zfs-fuse and only run when named.</summary>
    public static readonly string[] Default = ["kill", "sshd", "poolfull", "diskfull", "hostile", "hostile-browser"];

    public HashSet<string> Only { get; private set; } = [.. Default];

    /// <summary>Kills per operation kind.</summary>
    public int Runs { get; private set; } = 20;

    /// <summary>Repeats of the sshd, freeze, restart, pool-full and disk-full drills.</summary>
    public int Repeats { get; private set; } = 3;

    public string Output { get; private set; } = "";

    public static DrillOptions Parse(string[] args)
    {
        var o = new DrillOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--only":
                    o.Only = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (o.Only.FirstOrDefault(d => d is not ("freeze" or "restart") && !Default.Contains(d)) is { } unknown)
                        throw new ArgumentException($"Unknown drill {unknown}; the drills are {string.Join(", ", Default)}, freeze and restart.");
                    // hostile is both halves, the services and the browser; hostile-browser alone is the browser's.
                    if (o.Only.Contains("hostile"))
                        o.Only.Add("hostile-browser");
                    break;
                case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeats": o.Repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": o.Output = Path.GetFullPath(Next()); break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        dotnet run -c Release --project drills/ZfsPortal.Drills [-- options]     (as root, like storage-host.sh)
                          --only LIST    drills to run: kill,sshd,poolfull,diskfull,hostile (default: all of them), freeze, restart;
                                         hostile is the services and the browser (Chromium), hostile-browser the browser only
                                         (freeze SIGSTOPs the machine's one zfs-fuse, restart restarts it, every pool with it:
                                         only when no one else works)
                          --runs N       kills per operation kind (20)        --repeats N   runs of the other drills (3)
                          --out FILE     the results table (drills/results/drills-<time>.md)
                        Environment: ZFSPORTAL_DRILL_HOST_DIR, _USER, _PORT, _POOL, _BACKEND name another drill host;
                        ZFSPORTAL_DRILL_HOST_REUSE=1 uses one that is already up and leaves it up (docs/reliability.md).
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (see --help).");
            }
        }
        if (o.Output.Length == 0)
            o.Output = Path.Combine(RepositoryRoot(), "drills", "results", $"drills-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        return o;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZfsPortal.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
