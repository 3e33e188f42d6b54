namespace ZfsPortal.Features.Common;

/// <summary>
/// A LIKE pattern for "contains", with the user's % and _ taken literally, in lower case: queries compare it with the
/// column's <c>lower()</c>, because SQLite's LIKE ignores ASCII case and PostgreSQL's does not, and a search box should
/// ignore case on both (string.Contains would translate to case-sensitive instr/strpos; ILIKE exists only on PostgreSQL).
/// </summary>
public static class SearchPattern
{
    public const string Escape = "\\";

    /// <summary>A term longer than the search box takes is cut as the box cuts it, not refused: a search has no error.</summary>
    public static string Contains(string term) =>
        "%" + Cut(term.Trim()).ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private static string Cut(string term) => term.Length <= UserInput.MaxSearchLength ? term : term[..UserInput.MaxSearchLength];
}
