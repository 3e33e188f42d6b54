namespace ZfsPortal.Storage;

public sealed partial class SshStorageHost : IHostMounts
{
    public async Task<string> MountAsync(string dataset, CancellationToken ct)
    {
        ZfsNames.ValidateDataset(dataset);
        var pool = dataset.Split('/')[0];
        var gates = HostGates.For(backend);
        string done;
        // One root check at a time, and every mount of a dataset after one: so no share is mounted under a pool root that is
        // still being mounted (which would then fail, the directory being no longer empty).
        await gates.PoolRoots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            done = await MountPoolRootAsync(pool, gates, ct).ConfigureAwait(false);
        }
        finally
        {
            gates.PoolRoots.Release();
        }

        var result = await HostGates.ThroughAsync(gates.Mounts, () => RunAsync(_zfs.Mount(dataset), readOnly: false, ct), ct).ConfigureAwait(false);
        if (result.ExitCode != 0 && await MountedAsync(dataset, ct).ConfigureAwait(false) != true)
        {
            throw Failed(result, $"Mounting {dataset}");
        }

        return done + (result.ExitCode == 0 ? $"mounted {dataset}" : $"{dataset} was mounted already");
    }

    private async Task<string> MountPoolRootAsync(string pool, HostGates gates, CancellationToken ct)
    {
        var root = await GetDatasetPropertiesAsync(pool, ["mounted", "canmount"], ct).ConfigureAwait(false);
        if (root is null || root.GetValueOrDefault("mounted") != "no" || root.GetValueOrDefault("canmount") != "on")
        {
            return "";
        }

        var result = await HostGates.ThroughAsync(gates.Mounts, () => RunAsync(_zfs.MountPool(pool), readOnly: false, ct), ct).ConfigureAwait(false);
        // Not fatal: the share is reachable either way, and the reconciler reports the pool root until someone mounts it (a guard
        // older than this portal refuses `zfs mount POOL`).
        return result.ExitCode == 0 ? $"mounted the root of pool {pool} first; " : $"the root of pool {pool} stays unmounted ({result.Stderr.Trim()}); ";
    }

    private async Task<bool?> MountedAsync(string dataset, CancellationToken ct) =>
        (await GetDatasetPropertiesAsync(dataset, ["mounted"], ct).ConfigureAwait(false))?.GetValueOrDefault("mounted") is { } mounted
            ? mounted == "yes" : null;
}
