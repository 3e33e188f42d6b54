using System.Net.Sockets;
using Renci.SshNet.Common;

namespace ZfsPortal.Storage;

public sealed partial class SshBackendProbe
{
    /// <summary>Datasets per command: keeps each command line far below any host's argument limit.</summary>
    public const int UsageBatch = 200;

    public async Task<IReadOnlyList<DatasetUsage>> ReadUsageAsync(BackendOptions backend, IReadOnlyList<string> datasets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(datasets);
        var found = new List<DatasetUsage>();
        var commands = new ZfsCommands(backend);
        var commandTime = TimeSpan.FromSeconds(Math.Min(backend.CommandTimeoutSeconds, MaxHealthCommandTime.TotalSeconds));
        foreach (var batch in datasets.Chunk(UsageBatch))
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(backend.ConnectTimeoutSeconds) + commandTime);
            try
            {
                using var lease = await pool.LeaseAsync(backend, deadline.Token).ConfigureAwait(false);
                using var command = lease.Client.CreateCommand(ShellQuote.Join(commands.GetDatasetsUsage(batch)));
                command.CommandTimeout = commandTime;
                await command.ExecuteAsync(deadline.Token).ConfigureAwait(false);
                // Exit 1 with "does not exist" for a dataset deleted meanwhile: the rows of the others are still good.
                found.AddRange(DatasetUsage.Parse(command.Result));
            }
            catch (Exception ex) when (ex is StorageHostException or SshException or SocketException or IOException or ObjectDisposedException
                                           or ArgumentException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // Usage is a by-product of the health check, which reports a broken host; what was read so far is kept.
                break;
            }
        }

        return found;
    }
}
