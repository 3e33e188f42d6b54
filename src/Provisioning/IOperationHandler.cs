using ZfsPortal.Data;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Carries out one kind of operation; every host step checks before it acts, so a rerun is safe. Each lives in its
/// operation's feature folder beside the accept step that records it, and is found by <see cref="ProvisioningServices"/>.
/// </summary>
public interface IOperationHandler
{
    OperationKind Kind { get; }

    /// <summary>
    /// True for kinds that may be queued again while one of the same share runs (each applies a whole set, so
    /// two at once would race); such runs take turns. Other kinds are kept apart by the share's transitional state.
    /// </summary>
    bool TakesTurnsPerShare => false;

    Task RunAsync(OperationRun run, CancellationToken ct);

    /// <summary>Puts the share in its named error state with a sentence that says what to do.</summary>
    Task FailAsync(OperationRun run, Exception failure, CancellationToken ct);
}
