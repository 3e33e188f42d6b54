namespace ZfsPortal.Storage;

// The reconciler's bulk reads: one command each, retried once on a dropped connection like every read.
public sealed partial class SshStorageHost : IHostSurvey
{
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> GetPoolTreeAsync(
        string pool, IReadOnlyList<string> properties, CancellationToken ct)
    {
        var result = await RunAsync(_zfs.GetPoolTree(pool, properties), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return result.ExitCode == 1 && IsAbsent(result) ? null : throw Failed(result, $"Reading the datasets of pool {pool}");
        }

        return Parse(result, $"the datasets of pool {pool}");
    }

    public async Task<IReadOnlyList<ExportfsEntry>> ReadExportTableAsync(CancellationToken ct) =>
        (await ((INfsHost)this).ReadExportTableAsync("every path", ct).ConfigureAwait(false)).Entries;

    public async Task<IReadOnlyList<ExportfsEntry>?> ReadExportsFileAsync(CancellationToken ct)
    {
        if (!_zfs.KeepsExportsFile)
        {
            return null;
        }

        var result = await RunAsync(_zfs.ShowExportsFile(), readOnly: true, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"Reading the exports file {backend.ExportsFile}");
        }

        try
        {
            return ExportsFileLines.Parse(result.Stdout);
        }
        catch (FormatException ex)
        {
            throw Unreadable(result, $"the exports file {backend.ExportsFile}", ex);
        }
    }
}
