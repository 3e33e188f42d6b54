namespace ZfsPortal.Storage;

// PENDING (issue 3, being implemented): placeholders so the tree builds while the storage work is under way.
public sealed partial class SshStorageHost
{
    public Task SetPropertiesAsync(string dataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) => throw new NotImplementedException();
    public Task<bool> DestroyDatasetAsync(string dataset, CancellationToken ct) => throw new NotImplementedException();
    public Task CreateSnapshotAsync(string snapshot, CancellationToken ct) => throw new NotImplementedException();
    public Task<bool> DestroySnapshotAsync(string snapshot, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetSnapshotsAsync(string dataset, IReadOnlyList<string> properties, CancellationToken ct) => throw new NotImplementedException();
    public Task CopyFromSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) => throw new NotImplementedException();
    public Task CloneSnapshotAsync(string snapshot, string newDataset, IReadOnlyDictionary<string, string> properties, CancellationToken ct) => throw new NotImplementedException();
    public Task ApplyExportsAsync(NfsExport exports, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<NfsClientRule>> ReadExportsAsync(string mountpoint, CancellationToken ct) => throw new NotImplementedException();
}
