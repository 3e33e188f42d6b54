namespace ZfsPortal.Data;

/// <summary>Manila's share states, plus awaiting_approval and rejected of our own.</summary>
public enum ShareStatus
{
    AwaitingApproval,
    Creating,
    CreatingFromSnapshot,
    Available,
    Deleting,
    Extending,
    Shrinking,
    Error,
    ErrorDeleting,
    ExtendingError,
    ShrinkingError,
    Rejected,
    Reverting,
    RevertingError,
}

public static class ShareStatusNames
{
    /// <summary>The name operators know from Manila (<c>creating</c>, <c>error_deleting</c>, …).</summary>
    public static string ToManila(this ShareStatus status) => status switch
    {
        ShareStatus.AwaitingApproval => "awaiting_approval",
        ShareStatus.CreatingFromSnapshot => "creating_from_snapshot",
        ShareStatus.ErrorDeleting => "error_deleting",
        ShareStatus.ExtendingError => "extending_error",
        ShareStatus.ShrinkingError => "shrinking_error",
        ShareStatus.RevertingError => "reverting_error",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>A job is working on the share; no other action may start.</summary>
    public static bool IsBusy(this ShareStatus status) => status is ShareStatus.Creating
        or ShareStatus.CreatingFromSnapshot or ShareStatus.Deleting or ShareStatus.Extending or ShareStatus.Shrinking
        or ShareStatus.Reverting;

    public static bool IsError(this ShareStatus status) => status is ShareStatus.Error
        or ShareStatus.ErrorDeleting or ShareStatus.ExtendingError or ShareStatus.ShrinkingError
        or ShareStatus.RevertingError;
}
