namespace ZfsPortal.Data;

public enum OperationKind
{
    CreateShare, CreateShareFromSnapshot, DeleteShare, ExtendShare, ShrinkShare,
    CreateSnapshot, DeleteSnapshot, SyncAccessRules, RevertToSnapshot,
    RepairShare, ManageShare,
}

public enum OperationState { Queued, Running, Succeeded, Failed }

/// <summary>One user action carried out by one background job; its steps are the progress a page shows.</summary>
public sealed class Operation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public OperationKind Kind { get; set; }
    public OperationState State { get; set; } = OperationState.Queued;
    public Guid ProjectId { get; set; }
    public Guid ShareId { get; set; }

    /// <summary>The snapshot a snapshot operation works on.</summary>
    public Guid? SnapshotId { get; set; }

    public string RequestedByUserId { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Touched by the running job; a running operation whose heartbeat stopped is resumed.</summary>
    public DateTime? HeartbeatAt { get; set; }
    public int Attempts { get; set; }

    /// <summary>Steps the job expects to take, so a page can show a progress fraction.</summary>
    public int PlannedSteps { get; set; }
    public string? Message { get; set; }
    public List<OperationStep> Steps { get; set; } = [];
}

public enum StepOutcome { Succeeded, Skipped, Failed }

public sealed class OperationStep
{
    public long Id { get; set; }
    public Guid OperationId { get; set; }
    public string Name { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public int DurationMs { get; set; }
    public StepOutcome Outcome { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Audit trail of every command run on a storage host.</summary>
public sealed class HostCommandEntry
{
    public long Id { get; set; }
    public Guid? OperationId { get; set; }
    public string Backend { get; set; } = "";
    public string CommandLine { get; set; } = "";
    public int ExitCode { get; set; }
    public int DurationMs { get; set; }
    public string Stderr { get; set; } = "";
    public DateTime StartedAt { get; set; }
}
