using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Provisioning;

/// <summary>Opens the host a placed share lives on, recording its commands in the running operation.</summary>
public sealed class ShareHosts(BackendCatalog backends, IStorageHostFactory hosts)
{
    public (BackendOptions Backend, IStorageHost Host) Open(Share share, OperationRun run)
    {
        var backend = backends.Get(share.BackendName
            ?? throw new InvalidOperationException("The share was never placed on a backend."));
        return (backend, hosts.Open(backend, run));
    }
}
