using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares;

/// <summary>Opens the host a placed share lives on, recording its commands in the running operation.</summary>
public sealed class ShareHosts(BackendCatalog backends, IStorageHostFactory hosts)
{
    public async Task<(BackendOptions Backend, IStorageHost Host)> OpenAsync(Share share, OperationRun run, CancellationToken ct)
    {
        var backend = await backends.GetAsync(share.BackendName
            ?? throw new InvalidOperationException("The share was never placed on a backend."), ct);
        return (backend, hosts.Open(backend, run));
    }

    /// <summary>The operation's share, as recorded now, and the host it lives on.</summary>
    public async Task<(Share Share, IStorageHost Host)> OpenAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        var (_, host) = await OpenAsync(share, run, ct);
        return (share, host);
    }

    /// <summary>The mount point kept from the share's creation; shares made before it was kept ask the host.</summary>
    public static async Task<string> MountpointAsync(Share share, IStorageHost host, CancellationToken ct) =>
        share.Mountpoint
        ?? (await host.GetDatasetPropertiesAsync(share.Dataset!, ["mountpoint"], ct)
            ?? throw new InvalidOperationException($"Dataset {share.Dataset} is missing on the host."))["mountpoint"];
}
