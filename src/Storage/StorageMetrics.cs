using System.Diagnostics.Metrics;

namespace ZfsPortal.Storage;

/// <summary>
/// How long host commands take, by backend, tool (zfs, zpool, exportfs), its verb and outcome: never a dataset, path or
/// client address, so the metrics carry no tenant's data.
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "ZfsPortal.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "zfsportal.host.command.duration", unit: "s", description: "Duration of commands run on storage hosts.");

    public static void Record(BackendOptions backend, IReadOnlyList<string> argv, int exitCode, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var shown = new ZfsCommands(backend).Shown(argv);
        var tool = shown.Count > 0 ? Path.GetFileName(shown[0]) : "";
        var verb = shown.Count > 1 ? shown[1] : "";
        CommandDuration.Record(duration.TotalSeconds,
            new KeyValuePair<string, object?>("backend", backend.Name),
            new KeyValuePair<string, object?>("tool", tool),
            new KeyValuePair<string, object?>("verb", verb),
            new KeyValuePair<string, object?>("outcome", exitCode == 0 ? "ok" : "failed"));
    }
}
