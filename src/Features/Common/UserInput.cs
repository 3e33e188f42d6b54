using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using ZfsPortal.Components;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Common;

/// <summary>The checks every form shares: names and sizes. Each error is a sentence that says what to enter.</summary>
public static partial class UserInput
{
    // The longest text each kind of field takes. Every form sets its fields' MaxLength from these, so the browser
    // refuses more before anything is sent: a pasted megabyte would otherwise ride the circuit in one message, over
    // SignalR's 32 KB limit, and end it. The services check the same limits again, for whatever else sends text.
    public const int MaxNameLength = ShareRules.MaxNameLength;
    public const int MaxDescriptionLength = ShareRules.MaxDescriptionLength;
    /// <summary>A whole number: int.MinValue as text.</summary>
    public const int MaxNumberLength = 11;
    /// <summary>One line of an admin form: an email, a host, a path, a prefix.</summary>
    public const int MaxLineLength = 255;
    /// <summary>Several lines: a list of pools, ZFS properties.</summary>
    public const int MaxTextLength = 2000;
    public const int MaxReasonLength = 500;
    public const int MaxSearchLength = 100;
    public const int MaxAccessTargetLength = AccessTarget.MaxInputLength;

    /// <summary>Null when <paramref name="text"/> fits; otherwise the sentence that says how long it may be.</summary>
    public static string? TooLong(string? text, int max) =>
        text is { Length: var length } && length > max ? $"This may be at most {max} characters; it has {length}." : null;

    /// <summary>
    /// The sentence a field shows once its text has reached the field's MaxLength: the browser takes nothing more from
    /// the keyboard or a paste, and without a word a cut paste would read as accepted. Null below the limit.
    /// </summary>
    public static string? AtLimit(string? text, int max) =>
        text is { Length: var length } && length >= max ? string.Format(CultureInfo.InvariantCulture, AtLimitFormat, max) : null;

    /// <summary><see cref="AtLimit(string?, int)"/> in the reader's language (the sentence is a <see cref="SharedText"/> key).</summary>
    public static string? AtLimit(string? text, int max, IStringLocalizer<SharedText> words) =>
        AtLimit(text, max) is null ? null : words[AtLimitText, max].Value;

    private const string AtLimitText = "That is the most this field takes ({0} characters); anything typed or pasted beyond it was left out.";
    private static readonly CompositeFormat AtLimitFormat = CompositeFormat.Parse(AtLimitText);

    /// <summary>A whole number of GiB, at least 1; null with an error otherwise.</summary>
    public static int? ParseSize(string? text, out string? error)
    {
        var trimmed = (text ?? "").Trim();
        error = null;
        if (trimmed.Length == 0)
            error = "Enter a size in GiB.";
        else if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size))
            error = $"'{Shorten(trimmed)}' is not a whole number of GiB; enter a number such as 5.";
        else if (size < 1)
            error = "The size must be at least 1 GiB.";
        else if (size > int.MaxValue)
            error = "That size is far larger than any share type allows.";
        else
            return (int)size;
        return null;
    }

    /// <summary>The trimmed name, or null with an error.</summary>
    public static string? ValidateName(string? text, string what, out string? error)
    {
        var name = (text ?? "").Trim();
        error = name.Length == 0 ? $"Give the {what} a name."
            : name.Length > ShareRules.MaxNameLength ? $"The name may be at most {ShareRules.MaxNameLength} characters; this one has {name.Length}."
            : !NamePattern().IsMatch(name) ? "Use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit."
            : null;
        return error is null ? name : null;
    }

    public static string? ValidateDescription(string? text, out string? error)
    {
        var description = (text ?? "").Trim();
        error = description.Length > ShareRules.MaxDescriptionLength
            ? $"The description may be at most {ShareRules.MaxDescriptionLength} characters." : null;
        return error is null ? description : null;
    }

    public static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} ._-]*$")]
    private static partial Regex NamePattern();
}
