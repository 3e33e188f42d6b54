namespace ZfsPortal.Storage;

/// <summary>Opens <see cref="SshStorageHost"/>s; they are cheap, the connections behind them live in the pool.</summary>
public sealed class SshStorageHostFactory(SshConnectionPool pool, TimeProvider time) : IStorageHostFactory
{
    public IStorageHost Open(BackendOptions backend, IHostCommandLog log)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        return new SshStorageHost(backend, pool, log, time);
    }
}
