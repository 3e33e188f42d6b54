using System.Text.Json.Nodes;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Bench;

/// <summary>
/// The floor as Manila's driver's user runs it: the same essential commands, but <c>sudo -n zfs …</c> straight, without
/// the portal's guard (a Python program started for every command), and the copy as a shell pipe of two sudo calls.
/// Manila's figures are read against this floor, the portal's against its own (ADR 30): the guard's cost is the difference.
/// </summary>
internal static class PeerFloor
{
    /// <summary>A <see cref="Remote"/> over the peer user's key and sudo rule, or null when the host has no peer user.</summary>
    public static Remote? Unguarded(BackendOptions backend, SshConnectionPool pool)
    {
        var peerJson = Path.Combine(Path.GetDirectoryName(LocalBackend.DefaultPath())!, "manila-peer.json");
        if (!File.Exists(peerJson))
            return null;
        var peer = JsonNode.Parse(File.ReadAllText(peerJson))!;
        var settings = backend.Clone();
        settings.Name = backend.Name + "-unguarded";
        settings.User = peer["User"]!.GetValue<string>();
        settings.PrivateKeyPath = peer["PrivateKeyPath"]!.GetValue<string>();
        settings.GuardPath = "";
        settings.ExportsFile = "";
        return new Remote(settings, pool);
    }
}
