using System.Net;
using System.Net.Sockets;

namespace ZfsPortal.Features.Shares;

public enum ClientOs { Linux, MacOs, Windows }

/// <summary>One ready command: <paramref name="Key"/> names it for tests and copy buttons, <paramref name="Label"/> says what it is for.</summary>
public sealed record MountCommand(string Key, ClientOs Os, string Label, string Command);

/// <summary>
/// The commands a client runs to mount a share, per client OS. The directory comes from the share name through
/// <see cref="ExportLocations.SafeDirectoryName"/> (letters, digits, - and _ only), and the location from the portal's own
/// export location (a canonical address and a mount point of a portal dataset), so nothing a user typed reaches a shell.
/// </summary>
public static class MountCommands
{
    public const string LinuxHint = "As root on a Linux client that an access rule allows (nfs-common or nfs-utils installed).";
    public const string FstabHint = "To mount it at every boot, add this line to /etc/fstab, then run: sudo mount -a";
    public const string MacHint = "In Terminal on a Mac that an access rule allows; resvport makes the Mac use a privileged port, as the server expects.";
    public const string WindowsHint = "On Windows 10 or 11 Pro or Enterprise that an access rule allows: turn on Client for NFS once (PowerShell as administrator), then mount in Command Prompt (in PowerShell, mount means something else).";
    public const string NoRulesWarning = "No client can mount this share yet: no access rule allows one. Add a rule for your clients' addresses under Access rules.";
    public const string PendingRulesWarning = "No client can mount this share yet: its access rules are not active (still being applied, waiting for approval, or failed). The commands work once a rule is active.";

    public static IReadOnlyList<MountCommand> For(string exportLocation, string shareName)
    {
        ArgumentNullException.ThrowIfNull(exportLocation);
        var (host, path) = Split(exportLocation);
        var dir = ExportLocations.SafeDirectoryName(shareName);
        var linux = "/mnt/" + dir;
        var mac = "/Volumes/" + dir;
        return
        [
            new("linux-v4", ClientOs.Linux, "NFSv4", $"sudo mkdir -p {linux} && sudo mount -t nfs -o vers=4 {exportLocation} {linux}"),
            new("linux-v3", ClientOs.Linux, "NFSv3", $"sudo mkdir -p {linux} && sudo mount -t nfs -o vers=3 {exportLocation} {linux}"),
            new("linux-fstab", ClientOs.Linux, "/etc/fstab", $"{exportLocation}  {linux}  nfs  vers=4,_netdev,nofail  0  0"),
            new("macos", ClientOs.MacOs, "macOS", $"sudo mkdir -p {mac} && sudo mount -t nfs -o resvport {exportLocation} {mac}"),
            new("windows-feature", ClientOs.Windows, "Client for NFS",
                "Enable-WindowsOptionalFeature -Online -NoRestart -FeatureName ServicesForNFS-ClientOnly, ClientForNFS-Infrastructure"),
            new("windows", ClientOs.Windows, "Command Prompt", $@"mount -o anon \\{WindowsHost(host)}{path.Replace('/', '\\')} *"),
        ];
    }

    /// <summary><c>ip:/path</c> or <c>[ipv6]:/path</c> into the address and the path.</summary>
    private static (IPAddress Host, string Path) Split(string location)
    {
        var cut = location.StartsWith('[') ? location.IndexOf("]:", StringComparison.Ordinal) + 1 : location.IndexOf(':', StringComparison.Ordinal);
        if (cut <= 0 || !IPAddress.TryParse(location[..cut].Trim('[', ']'), out var host) || !location[(cut + 1)..].StartsWith('/'))
            throw new ArgumentException($"'{location}' is not an export location (address:/path).", nameof(location));
        return (host, location[(cut + 1)..]);
    }

    /// <summary>Windows takes an IPv6 address only as its ipv6-literal.net name (colons as dashes).</summary>
    private static string WindowsHost(IPAddress host) => host.AddressFamily == AddressFamily.InterNetworkV6
        ? host.ToString().Replace(':', '-').Replace('%', 's') + ".ipv6-literal.net"
        : host.ToString();
}
