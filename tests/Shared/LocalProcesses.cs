using System.Globalization;
using System.Net.Sockets;

namespace ZfsPortal.Testing;

/// <summary>What the test fixtures and the drills read of this machine when they start and stop a storage host of their own.</summary>
internal static class LocalProcesses
{
    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port"/> within 2 s.</summary>
    public static async Task<bool> PortOpenAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Pids whose command name (comm) is exactly <paramref name="comm"/>, read from /proc.</summary>
    public static List<int> PidsByComm(string comm) => Directory.EnumerateDirectories("/proc")
        .Select(d => (Dir: d, Ok: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid), Pid: pid))
        .Where(p => p.Ok && Comm(p.Dir) == comm)
        .Select(p => p.Pid)
        .ToList();

    private static string? Comm(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, "comm")).Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>The pids whose parent is <paramref name="parent"/> (e.g. an sshd's sessions), read from /proc.</summary>
    public static List<int> ChildPids(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var ppid = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (ppid is not null && int.Parse(ppid[5..].Trim(), CultureInfo.InvariantCulture) == parent)
                    children.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }
}
