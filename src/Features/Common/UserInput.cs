using System.Globalization;
using System.Text.RegularExpressions;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Common;

/// <summary>The checks every form shares: names and sizes. Each error is a sentence that says what to enter.</summary>
public static partial class UserInput
{
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
