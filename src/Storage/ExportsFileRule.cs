using System.Text.RegularExpressions;

namespace ZfsPortal.Storage;

/// <summary>What an exports file may be called: the guard writes only <c>/etc/exports.d/NAME.exports</c> (exports(5) reads those).</summary>
public static partial class ExportsFileRule
{
    public static bool IsValid(string path) => Pattern().IsMatch(path ?? "");

    [GeneratedRegex(@"^/etc/exports\.d/[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\.exports\z")]
    private static partial Regex Pattern();
}
