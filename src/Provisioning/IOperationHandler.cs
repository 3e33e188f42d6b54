using ZfsPortal.Data;

namespace ZfsPortal.Provisioning;

/// <summary>Carries out one kind of operation; every host step checks before it acts, so a rerun is safe.</summary>
public interface IOperationHandler
{
    OperationKind Kind { get; }

    Task RunAsync(OperationRun run, CancellationToken ct);

    /// <summary>Puts the share in its named error state with a sentence that says what to do.</summary>
    Task FailAsync(OperationRun run, Exception failure, CancellationToken ct);
}
