namespace ZfsPortal.Features.Shares;

/// <summary>What the create form sends; the size is text so that one validator judges all input.</summary>
public sealed record CreateShareRequest(Guid ProjectId, Guid? ShareTypeId, string? Name, string? Description, string? Size);

/// <summary>Either the new share's id or the errors, by field ("" for the whole form).</summary>
public sealed record CreateShareResult(Guid? ShareId, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => ShareId is not null;

    public static CreateShareResult Refused(string field, string message) => new(null, new Dictionary<string, string> { [field] = message });
}
