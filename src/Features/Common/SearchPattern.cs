namespace ZfsPortal.Features.Common;

/// <summary>
/// A LIKE pattern for "contains", with the user's % and _ taken literally. SQLite's LIKE ignores ASCII case,
/// which is what people expect of a search box (string.Contains would translate to case-sensitive instr).
/// </summary>
public static class SearchPattern
{
    public const string Escape = "\\";

    /// <summary>A term longer than the search box takes is cut as the box cuts it, not refused: a search has no error.</summary>
    public static string Contains(string term) =>
        "%" + Cut(term.Trim()).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private static string Cut(string term) => term.Length <= UserInput.MaxSearchLength ? term : term[..UserInput.MaxSearchLength];
}
