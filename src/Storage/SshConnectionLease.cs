using Renci.SshNet;

namespace ZfsPortal.Storage;

/// <summary>
/// The right to run one command on a pooled connection. Dispose it when the command is done;
/// call <see cref="MarkBroken"/> when the connection failed, so the next lease reconnects.
/// </summary>
public sealed class SshConnectionLease : IDisposable
{
    private readonly SshConnectionSlot _slot;
    private readonly SshConnection _connection;
    private int _disposed;

    internal SshConnectionLease(SshConnectionSlot slot, SshConnection connection)
    {
        _slot = slot;
        _connection = connection;
    }

    public SshClient Client => _connection.Client;

    public void MarkBroken(string reason) => _slot.Drop(_connection, reason);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _slot.Return();
        }
    }
}
