using ZfsPortal.Features.Shares;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>
/// What the create form sends; the size is text so that one validator judges all input. With a source
/// snapshot, the share is created from it (its own quota checks apply).
/// </summary>
public sealed record CreateShareRequest(
    Guid ProjectId, Guid? ShareTypeId, string? Name, string? Description, string? Size, Guid? SourceSnapshotId = null);
