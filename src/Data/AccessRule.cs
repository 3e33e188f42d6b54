using ZfsPortal.Storage;

namespace ZfsPortal.Data;

/// <summary>
/// Manila's access rule states; a denied rule is removed once the host no longer lists it. Ours: a rule beyond its
/// export policy may wait for an admin (<c>awaiting_approval</c>), who applies it or rejects it (<c>rejected</c>, with
/// the reason); neither is on the host. Stored by name, at most 16 characters.
/// </summary>
public enum AccessRuleState { QueuedToApply, Applying, Active, Error, QueuedToDeny, Denying, AwaitingApproval, Rejected }

/// <summary>The share's summary of its rules, as Manila's <c>access_rules_status</c>.</summary>
public enum AccessRulesStatus { Active, Syncing, Error }

public sealed class AccessRule
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ShareId { get; set; }
    public string AccessType { get; set; } = "ip";

    /// <summary>Canonical address or network (parsed and re-printed; never the user's text).</summary>
    public string Target { get; set; } = "";

    public NfsAccessLevel Level { get; set; }
    public bool RootSquash { get; set; } = true;
    public AccessRuleState State { get; set; }
    public string? StateMessage { get; set; }
    public string CreatedByUserId { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class AccessNames
{
    public static string ToManila(this AccessRuleState state) => state switch
    {
        AccessRuleState.QueuedToApply => "queued_to_apply",
        AccessRuleState.QueuedToDeny => "queued_to_deny",
        AccessRuleState.AwaitingApproval => "awaiting_approval",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static string ToManila(this AccessRulesStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Rules that never reached the host: removing one needs no sync.</summary>
    public static bool IsUnapplied(this AccessRuleState state) => state is AccessRuleState.AwaitingApproval or AccessRuleState.Rejected;

    /// <summary>Rules that belong in the export table after the next sync.</summary>
    public static bool IsWanted(this AccessRuleState state) => state is AccessRuleState.QueuedToApply
        or AccessRuleState.Applying or AccessRuleState.Active;
}
