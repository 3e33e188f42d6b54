using Renci.SshNet;

namespace ZfsPortal.Storage;

/// <summary>An open, authenticated SSH connection and the key it was opened with (both need disposing).</summary>
internal sealed class SshConnection(SshClient client, PrivateKeyFile key) : IDisposable
{
    public SshClient Client { get; } = client;

    public bool IsConnected => Client.IsConnected;

    public void Dispose()
    {
        try
        {
            Client.Dispose();
        }
        finally
        {
            key.Dispose();
        }
    }
}
