using Renci.SshNet;
using Renci.SshNet.Common;
using SshConnectionInfo = Renci.SshNet.ConnectionInfo;

namespace ZfsPortal.Storage;

/// <summary>
/// One fresh SSH connection opened by the probe (never from the pool), with a record of how far the handshake got:
/// the server's identification (so something speaks SSH there), the host key it presented, whether that key matched
/// the pin, and the error that stopped it. With no key it never trusts the host, so it stops at the host key and
/// neither authenticates nor runs anything. Dispose it to close the connection.
/// </summary>
internal sealed class ProbeConnection : IDisposable
{
    private readonly SshClient _client;
    private readonly PrivateKeyFile? _key;

    private ProbeConnection(SshClient client, PrivateKeyFile? key)
    {
        _client = client;
        _key = key;
    }

    /// <summary>The server's SSH identification line (e.g. <c>SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10</c>), once received.</summary>
    public string? Identification { get; private set; }

    public PresentedHostKey? Presented { get; private set; }

    public bool HostKeyMatchesPin { get; private set; }

    /// <summary>The connection; commands may run on it when <see cref="Error"/> is null (open and authenticated).</summary>
    public SshClient Client => _client;

    /// <summary>What stopped the connection (null when it is open).</summary>
    public Exception? Error { get; private set; }

    /// <summary>The connect did not finish within ConnectTimeoutSeconds.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>
    /// Connects to <paramref name="backend"/>. With <paramref name="key"/> null it only reads the host key (trust is
    /// always refused); otherwise it trusts the host only if the key matches the pin, then authenticates with the key.
    /// Never throws for a host-side problem (see <see cref="Error"/>); the caller's cancellation does throw.
    /// The connection takes ownership of <paramref name="key"/>.
    /// </summary>
    public static async Task<ProbeConnection> OpenAsync(BackendOptions backend, PrivateKeyFile? key, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(backend.ConnectTimeoutSeconds);
        var user = string.IsNullOrWhiteSpace(backend.User) ? "zfsportal-probe" : backend.User;
        AuthenticationMethod auth = key is null
            ? new NoneAuthenticationMethod(user)
            : new PrivateKeyAuthenticationMethod(user, key);
        var info = new SshConnectionInfo(backend.Host, backend.Port, user, auth) { Timeout = timeout };
        var connection = new ProbeConnection(new SshClient(info), key);
        connection._client.ServerIdentificationReceived += (_, e) => connection.Identification = e.SshIdentification.ToString();
        connection._client.HostKeyReceived += (_, e) =>
        {
            connection.Presented = new PresentedHostKey(e.HostKeyName, HostKeyPin.Normalize(e.FingerPrintSHA256));
            connection.HostKeyMatchesPin = HostKeyPin.Matches(backend.HostKeySha256, e.FingerPrintSHA256);
            e.CanTrust = key is not null && connection.HostKeyMatchesPin;
        };

        // As in SshConnector: ConnectAsync does not apply ConnectionInfo.Timeout to every step, so a token bounds it all.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            // Task.Run: SSH.NET's handshake blocks a thread in places.
            await Task.Run(() => connection._client.ConnectAsync(deadline.Token), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            connection.Error = ex;
            connection.TimedOut = deadline.IsCancellationRequested || ex is SshOperationTimeoutException;
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    public void Dispose()
    {
        try
        {
            _client.Dispose();
        }
        finally
        {
            _key?.Dispose();
        }
    }
}
