namespace ZfsPortal.Features.Common;

/// <summary>
/// The answer to a user action: the id of what it made or changed, or the errors by field ("" for the
/// whole form). A refused action has changed nothing.
/// </summary>
public sealed record CommandResult(Guid? Id, IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>Something the user should know about an accepted action (e.g. a quota now below use).</summary>
    public string? Notice { get; init; }

    public const string FormField = "";

    /// <summary>Why it was refused, for callers that answer with a code (the APIs); pages show only the sentence.</summary>
    public RefusalKind Kind { get; init; }

    public bool Succeeded => Id is not null;

    /// <summary>The first error, for actions whose answer is one sentence.</summary>
    public string? Error => Errors.Values.FirstOrDefault();

    // The sentences are made in English and put into the caller's UI culture here, once for every service (ADR 33);
    // the APIs' callers send no Japanese Accept-Language, so they read the English.
    public static CommandResult Done(Guid id, string? notice = null) =>
        new(id, new Dictionary<string, string>()) { Notice = notice is null ? null : Sentences.Translate(notice) };

    public static CommandResult Refused(string field, string message) =>
        new(null, new Dictionary<string, string> { [field] = Sentences.Translate(message) });

    public static CommandResult Refused(string message) => Refused(FormField, message);

    /// <summary>Refused with an error per field.</summary>
    public static CommandResult Refused(IReadOnlyDictionary<string, string> errors) =>
        new(null, errors.ToDictionary(e => e.Key, e => Sentences.Translate(e.Value)));

    public static CommandResult Refused(RefusalKind kind, string message) => Refused(FormField, message) with { Kind = kind };
}

/// <summary>
/// What kind of refusal: <see cref="Invalid"/> (the input; the default), <see cref="NotFound"/> (absent, or in a project
/// the user is not in), <see cref="Conflict"/> (the resource's state forbids it now), <see cref="OverQuota"/>.
/// </summary>
public enum RefusalKind { Invalid, NotFound, Conflict, OverQuota }
