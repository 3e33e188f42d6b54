using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using SshConnectionInfo = Renci.SshNet.ConnectionInfo;

namespace ZfsPortal.Storage;

/// <summary>
/// Opens one SSH connection to a backend: key authentication, host key pinned, connect time-out
/// from the options. Every way this can fail becomes a <see cref="StorageHostException"/> whose
/// message says what to fix. SSH.NET 2026.0.0 sets TCP_NODELAY on its own socket (its SocketFactory),
/// so back-to-back commands do not stall on Nagle + delayed ACK; nothing to hook here.
/// </summary>
internal static class SshConnector
{
    /// <summary>Session channels per connection: below OpenSSH's default MaxSessions (10).</summary>
    public const int ChannelsPerConnection = 8;

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    public static async Task<SshConnection> ConnectAsync(BackendOptions backend)
    {
        var where = $"storage backend '{backend.Name}' ({backend.User}@{backend.Host}:{backend.Port})";
        var key = LoadKey(backend, where);
        var timeout = TimeSpan.FromSeconds(backend.ConnectTimeoutSeconds);
        var info = new SshConnectionInfo(backend.Host, backend.Port, backend.User, new PrivateKeyAuthenticationMethod(backend.User, key))
        {
            Timeout = timeout,
            MaxSessions = ChannelsPerConnection,
        };
        var client = new SshClient(info) { KeepAliveInterval = KeepAlive };

        string? presented = null;
        var trusted = false;
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.FingerPrintSHA256;
            trusted = HostKeyPin.Matches(backend.HostKeySha256, e.FingerPrintSHA256);
            e.CanTrust = trusted;
        };

        // ConnectAsync does not apply ConnectionInfo.Timeout to every step, so a token bounds it all.
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            return new SshConnection(client, key);
        }
        catch (Exception ex) when (ex is not StorageHostException)
        {
            client.Dispose();
            key.Dispose();
            if (presented is not null && !trusted)
            {
                throw HostKeyRefused(backend, where, presented, ex);
            }

            throw Translate(ex, backend, where, deadline.IsCancellationRequested);
        }
    }

    private static PrivateKeyFile LoadKey(BackendOptions backend, string where)
    {
        try
        {
            return new PrivateKeyFile(backend.PrivateKeyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new StorageHostException(StorageFailure.AuthenticationFailed,
                $"Cannot use the private key '{backend.PrivateKeyPath}' for {where}: {ex.Message.TrimEnd('.')}. " +
                "Check that the file exists, is readable by the portal, and is an unencrypted OpenSSH or PEM private key.",
                inner: ex);
        }
    }

    private static StorageHostException HostKeyRefused(BackendOptions backend, string where, string presented, Exception inner)
    {
        var message = HostKeyPin.Normalize(backend.HostKeySha256).Length == 0
            ? $"The host key of {where} is not pinned, so the portal refuses to connect. The host presented " +
              $"SHA256:{presented}. Check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and, " +
              $"if it matches, set HostKeySha256 of backend '{backend.Name}' to it."
            : $"The host key of {where} does not match the pinned fingerprint, so the portal refuses to connect. " +
              $"Pinned: SHA256:{HostKeyPin.Normalize(backend.HostKeySha256)}; presented: SHA256:{presented}. " +
              "Either the host was reinstalled or re-keyed, or something is intercepting the connection: " +
              "verify the key on the host before changing the pin.";
        return new StorageHostException(StorageFailure.HostKeyNotTrusted, message, inner: inner);
    }

    private static StorageHostException Translate(Exception ex, BackendOptions backend, string where, bool timedOut)
    {
        return ex switch
        {
            SshAuthenticationException => new StorageHostException(StorageFailure.AuthenticationFailed,
                $"{Capitalize(where)} refused the key '{backend.PrivateKeyPath}' for user '{backend.User}' ({ex.Message.TrimEnd('.')}). " +
                $"Add the matching public key to ~{backend.User}/.ssh/authorized_keys on the host and check that the account is not locked.",
                inner: ex),
            _ when timedOut || ex is SshOperationTimeoutException =>
                new StorageHostException(StorageFailure.Unreachable,
                    $"{Capitalize(where)} did not answer within {backend.ConnectTimeoutSeconds} s. " +
                    "Check that the host is up, that sshd listens on that address and port, and that no firewall drops the traffic.",
                    inner: ex),
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new StorageHostException(StorageFailure.Unreachable,
                $"Nothing accepts connections at {where}. Check that sshd runs on the host and listens on port {backend.Port}.",
                inner: ex),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
                new StorageHostException(StorageFailure.Unreachable,
                    $"The host name '{backend.Host}' of storage backend '{backend.Name}' does not resolve. Check the Host setting or DNS.",
                    inner: ex),
            SocketException socket => new StorageHostException(StorageFailure.Unreachable,
                $"Cannot reach {where}: {socket.Message.TrimEnd('.')} ({socket.SocketErrorCode}). Check the network path to the host.",
                inner: ex),
            _ => new StorageHostException(StorageFailure.Unreachable,
                $"Could not open an SSH session to {where}: {ex.Message.TrimEnd('.')}. Check that sshd on the host is healthy (its log says why it closed the connection).",
                inner: ex),
        };
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
