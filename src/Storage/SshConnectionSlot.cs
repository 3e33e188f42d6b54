using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ZfsPortal.Storage;

/// <summary>
/// One kept-open connection of a backend, opened on first use and reopened after it dropped.
/// Several commands share it at once (one SSH channel each), up to <see cref="SshConnector.ChannelsPerConnection"/>.
/// </summary>
internal sealed class SshConnectionSlot(string backendName, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _channels = new(SshConnector.ChannelsPerConnection);
    private SshConnection? _connection;
    private Task<SshConnection>? _connecting;
    private int _inFlight;
    private bool _disposed;

    /// <summary>Commands holding or waiting for this slot; the pool hands new work to the least busy slot.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _connection?.IsConnected == true;
            }
        }
    }

    public void Reserve() => Interlocked.Increment(ref _inFlight);

    public void CancelReservation() => Interlocked.Decrement(ref _inFlight);

    public async Task<SshConnectionLease> LeaseAsync(BackendOptions backend, CancellationToken ct)
    {
        await _channels.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return new SshConnectionLease(this, await ConnectionAsync(backend, ct).ConfigureAwait(false));
        }
        catch
        {
            _channels.Release();
            throw;
        }
    }

    public void Return()
    {
        _channels.Release();
        Interlocked.Decrement(ref _inFlight);
    }

    public void Drop(SshConnection connection, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_connection, connection))
            {
                return;
            }

            _connection = null;
        }

        logger.Dropped(backendName, reason);
        connection.Dispose();
    }

    private Task<SshConnection> ConnectionAsync(BackendOptions backend, CancellationToken ct)
    {
        Task<SshConnection> connecting;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsConnected: true } open)
            {
                return Task.FromResult(open);
            }

            // Callers that arrive while a connect is under way share it, and share its failure:
            // an unreachable host then costs one time-out, not one per waiting command.
            if (_connecting is null || _connecting.IsCompleted)
            {
                _connection?.Dispose();
                _connection = null;
                // Task.Run: SSH.NET's handshake blocks a thread, and must never run inline under this lock.
                _connecting = Task.Run(() => ConnectAsync(backend));
            }

            connecting = _connecting;
        }

        return connecting.WaitAsync(ct);
    }

    private async Task<SshConnection> ConnectAsync(BackendOptions backend)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var connection = await SshConnector.ConnectAsync(backend).ConfigureAwait(false);
            lock (_gate)
            {
                if (_disposed)
                {
                    connection.Dispose();
                    throw new ObjectDisposedException(nameof(SshConnectionSlot));
                }

                _connection = connection;
            }

            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.Connected(backend.Name, backend.Host, backend.Port, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return connection;
        }
        catch (StorageHostException ex)
        {
            logger.ConnectFailed(backend.Name, ex.Message);
            throw;
        }
    }

    public void Dispose()
    {
        SshConnection? connection;
        lock (_gate)
        {
            _disposed = true;
            connection = _connection;
            _connection = null;
        }

        // The channel semaphore is left alone: leases still out will release it when their commands end.
        connection?.Dispose();
    }
}
