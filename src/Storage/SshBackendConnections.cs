using Microsoft.Extensions.Logging;

namespace ZfsPortal.Storage;

/// <summary>
/// The connections of one backend. New work goes to the least busy connection, so a quiet backend
/// keeps one connection and a burst opens more, up to the size of the group.
/// </summary>
internal sealed class SshBackendConnections : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SshConnectionSlot[] _slots;

    public SshBackendConnections(string backendName, int size, ILogger logger)
    {
        _slots = new SshConnectionSlot[size];
        for (var i = 0; i < size; i++)
        {
            _slots[i] = new SshConnectionSlot(backendName, logger);
        }
    }

    public int OpenConnections => _slots.Count(s => s.IsConnected);

    public async Task<SshConnectionLease> LeaseAsync(BackendOptions backend, CancellationToken ct)
    {
        SshConnectionSlot slot;
        lock (_gate)
        {
            // Fewest commands first; on a tie an open connection beats opening a new one.
            slot = _slots.OrderBy(s => s.InFlight).ThenBy(s => s.IsConnected ? 0 : 1).First();
            slot.Reserve();
        }

        try
        {
            return await slot.LeaseAsync(backend, ct).ConfigureAwait(false);
        }
        catch
        {
            slot.CancelReservation();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }
    }
}
