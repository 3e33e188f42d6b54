using System.Net.Sockets;
using System.Net;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares;

public static class ExportLocations
{
    /// <summary><c>ip:/mountpoint</c>, with the address re-printed canonically (IPv6 in brackets).</summary>
    public static string Nfs(string exportIp, string mountpoint)
    {
        var ip = IPAddress.Parse(exportIp.Trim());
        var host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return $"{host}:{mountpoint}";
    }

    /// <summary>A Linux mount command for the location; the mount point is derived from the share name.</summary>
    public static string LinuxMountCommand(string exportLocation, string shareName)
    {
        var dir = "/mnt/" + SafeDirectoryName(shareName);
        return $"sudo mkdir -p {dir} && sudo mount -t nfs {exportLocation} {dir}";
    }

    /// <summary>The share name with everything but ASCII letters, digits, - and _ made _: safe in any shell, unquoted.</summary>
    public static string SafeDirectoryName(string shareName)
    {
        ArgumentNullException.ThrowIfNull(shareName);
        return new string(shareName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
    }
}
