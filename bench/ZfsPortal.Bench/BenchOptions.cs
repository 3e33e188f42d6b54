using System.Globalization;
using System.Security.Cryptography;
using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

/// <summary>Command-line options; every default is what docs/benchmarks.md reports.</summary>
internal sealed class BenchOptions
{
    /// <summary>Samples per operation, floor and portal alike.</summary>
    public int Samples { get; private set; } = 30;

    /// <summary>Shares requested at once.</summary>
    public int Burst { get; private set; } = 100;

    /// <summary>Samples of "state to browser".</summary>
    public int BrowserSamples { get; private set; } = 30;

    /// <summary>Shares seeded for the shares page, and the projects they are spread over.</summary>
    public int PageShares { get; private set; } = 10_000;
    public int PageProjects { get; private set; } = 100;

    /// <summary>HTTP GETs of /shares per user, and browser navigations per user.</summary>
    public int PageSamples { get; private set; } = 30;
    public int NavSamples { get; private set; } = 10;

    /// <summary>Browser pages held open at once to measure memory per open page.</summary>
    public int OpenPages { get; private set; } = 20;

    /// <summary>Overrides of the portal's settings (Portal:QueuePollMilliseconds, Portal:WorkerCount); null = the app's default.</summary>
    public int? PollMs { get; private set; }
    public int? Workers { get; private set; }

    /// <summary>Overrides Portal:HangfireBackstopSeconds (0: every operation's Hangfire job is queued at once and races the in-process run).</summary>
    public int? BackstopSeconds { get; private set; }

    /// <summary>Only remove what an earlier run (killed beyond cleaning up) left on the host, found by its id.</summary>
    public string? CleanupRun { get; private set; }

    /// <summary>
    /// <c>postgresql</c>: the portal on a fresh database of the local PostgreSQL (scripts/postgres.sh up), Hangfire on
    /// it too; null: the embedded SQLite default.
    /// </summary>
    public string? Database { get; private set; }

    /// <summary>2: a second portal node on the same PostgreSQL runs half of the burst's requests (and their operations).</summary>
    public int Nodes { get; private set; } = 1;

    /// <summary>The portal's port (a second node takes the next); null = a free one.</summary>
    public int? Port { get; private set; }

    /// <summary>Issue 14's contention phases: live circuits pressing Create at once, service calls at once, open pages under load.</summary>
    public bool SkipContention { get; private set; }
    public int Circuits { get; private set; } = 20;

    /// <summary>
    /// The nice value the bench's Chromium runs at. Its pages stand for users on machines of their own; on this 2-core
    /// machine 20 headless pages took three quarters of the CPU the portal answers them with. 0: the same priority.
    /// </summary>
    public int BrowserNice { get; private set; } = 10;

    public bool SkipProbes { get; private set; }
    public bool SkipBrowser { get; private set; }
    public bool SkipPage { get; private set; }
    public bool SkipBurst { get; private set; }
    public bool SkipOps { get; private set; }

    /// <summary>Leaves Manila's driver out of the operations phase (each of its lifecycles sleeps 6 s in its deletes) and the burst.</summary>
    public bool SkipManila { get; private set; }

    /// <summary>
    /// Manila's driver also creates the burst's shares, at the portal's host gate width. Off by default: in one of its
    /// first two runs its four creates at once deadlocked zfs-fuse (docs/benchmarks.md), which only a restart ends.
    /// </summary>
    public bool ManilaBurst { get; private set; }

    /// <summary>Where the raw JSON and the Markdown summary go.</summary>
    public string OutDirectory { get; private set; } = "";

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--samples": o.Samples = NextInt(); break;
                case "--burst": o.Burst = NextInt(); break;
                case "--browser-samples": o.BrowserSamples = NextInt(); break;
                case "--page-shares": o.PageShares = NextInt(); break;
                case "--page-projects": o.PageProjects = NextInt(); break;
                case "--page-samples": o.PageSamples = NextInt(); break;
                case "--nav-samples": o.NavSamples = NextInt(); break;
                case "--open-pages": o.OpenPages = NextInt(); break;
                case "--poll-ms": o.PollMs = NextInt(); break;
                case "--backstop-seconds": o.BackstopSeconds = NextInt(); break;
                case "--workers":
                    o.Workers = NextInt();
                    // The floor of "N at once" runs as many zfs creates at once as the portal has workers: 16 at once
                    // deadlocked zfs-fuse 0.7 (creates and unmounts hung until the daemon was restarted); 8 never did.
                    if (o.Workers is < 1 or > 8)
                        throw new ArgumentException("--workers takes 1 to 8: 16 concurrent zfs creates deadlocked zfs-fuse on the local host.");
                    break;
                case "--database": o.Database = Next(); break;
                case "--nodes":
                    o.Nodes = NextInt();
                    if (o.Nodes is < 1 or > 2)
                        throw new ArgumentException("--nodes takes 1 or 2.");
                    break;
                case "--skip-browser": o.SkipBrowser = true; break;
                case "--skip-page": o.SkipPage = true; break;
                case "--skip-burst": o.SkipBurst = true; break;
                case "--skip-ops": o.SkipOps = true; break;
                case "--skip-contention": o.SkipContention = true; break;
                case "--skip-probes": o.SkipProbes = true; break;
                case "--circuits": o.Circuits = NextInt(); break;
                case "--browser-nice":
                    o.BrowserNice = NextInt();
                    if (o.BrowserNice is < 0 or > 19)
                        throw new ArgumentException("--browser-nice takes 0 (the portal's priority) to 19.");
                    break;
                case "--port": o.Port = NextInt(); break;
                case "--only":
                    var only = Next();
                    if (only != "contention")
                        throw new ArgumentException("--only takes: contention.");
                    (o.SkipOps, o.SkipBurst, o.SkipBrowser, o.SkipPage, o.SkipProbes) = (true, true, true, true, true);
                    break;
                case "--skip-manila": o.SkipManila = true; break;
                case "--manila-burst": o.ManilaBurst = true; break;
                case "--out": o.OutDirectory = Path.GetFullPath(Next()); break;
                case "--cleanup":
                    o.CleanupRun = Next();
                    if (o.CleanupRun.Length != 6 || !o.CleanupRun.All(char.IsAsciiHexDigitLower))
                        throw new ArgumentException("--cleanup takes the 6-character run id the bench printed (zfsbench_ID_…).");
                    break;
                case "--quick":
                    (o.Samples, o.Burst, o.BrowserSamples, o.PageShares, o.PageSamples, o.NavSamples, o.OpenPages) = (3, 10, 3, 1000, 5, 2, 3);
                    break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        dotnet run -c Release --project bench/ZfsPortal.Bench [-- options]
                          --samples N          samples per operation (30)      --burst N        shares at once (100)
                          --browser-samples N  state-to-browser samples (30)   --page-shares N  seeded shares (10000)
                          --page-projects N    projects they are spread over (100)
                          --page-samples N     HTTP GETs of /shares per user (30)   --nav-samples N  browser loads per user (10)
                          --open-pages N       pages held open for memory (20)
                          --poll-ms N / --workers N   override Portal:QueuePollMilliseconds / Portal:WorkerCount
                          --backstop-seconds N        override Portal:HangfireBackstopSeconds (0 = Hangfire job at once)
                          --skip-ops --skip-burst --skip-browser --skip-page --skip-contention --skip-probes   --quick (a smoke run)
                          --only contention    only issue 14's contention phases   --circuits N  live circuits pressing Create at once (20)
                          --browser-nice N     the nice value of the bench's Chromium (10; 0 = the portal's priority)
                          --port N             the portal's port (a second node takes N+1); default a free one
                          --skip-manila        no Manila driver beside the floor and the portal (operations and burst)
                          --manila-burst       Manila's driver creates the burst's shares too (can deadlock zfs-fuse)
                          --out DIR            results folder (bench/results/raw)
                          --cleanup ID         only remove the datasets and exports an earlier run ID left (after kill -9)
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (see --help).");
            }
        }
        if (o.OutDirectory.Length == 0)
            o.OutDirectory = Path.Combine(RepositoryRoot(), "bench", "results", "raw");
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

/// <summary>Names that mark everything this run makes, so that cleanup touches nothing else on the shared host.</summary>
internal sealed class RunIds(string? id = null)
{
    public string Id { get; } = id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    /// <summary>Every dataset of this run (the portal's and the floor's) starts with POOL/this.</summary>
    public string Prefix => $"zfsbench_{Id}_";

    /// <summary>The portal's DatasetPrefix: share datasets are POOL/zfsbench_ID_p_SHAREID.</summary>
    public string PortalPrefix => Prefix + "p_";

    public string FloorDataset(string pool, string what, int i) => Fmt.Inv($"{pool}/{Prefix}f_{what}{i:D3}");
}
