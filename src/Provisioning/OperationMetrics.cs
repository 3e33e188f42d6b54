using System.Diagnostics;
using System.Diagnostics.Metrics;
using ZfsPortal.Data;

namespace ZfsPortal.Provisioning;

/// <summary>Finished operations by kind and outcome, and how long each took from being accepted to its end.</summary>
public static class OperationMetrics
{
    public const string MeterName = "ZfsPortal.Operations";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Finished = Meter.CreateCounter<long>(
        "zfsportal.operations", unit: "{operation}", description: "Operations that ended, by kind and outcome.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "zfsportal.operation.duration", unit: "s", description: "From an operation's acceptance to its end.");

    public static void Record(OperationKind kind, bool succeeded, TimeSpan took)
    {
        var tags = new TagList { { "kind", kind.ToString() }, { "outcome", succeeded ? "succeeded" : "failed" } };
        Finished.Add(1, tags);
        Duration.Record(Math.Max(0, took.TotalSeconds), tags);
    }
}
