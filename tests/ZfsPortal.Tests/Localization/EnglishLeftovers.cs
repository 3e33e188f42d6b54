using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// The English words left in rendered markup that a Japanese reader would see: text nodes and the attributes a
/// screen reader or tooltip shows. Words that stay as they are in Japanese too (Manila's state names, units,
/// product names) and the test's own data values are allowed; commands in code/pre are not language.
/// </summary>
public static partial class EnglishLeftovers
{
    private static readonly string[] ShownAttributes = ["placeholder", "title", "aria-label", "label", "alt"];

    /// <summary>Never translated: Manila's state names, access levels and types, units, product and protocol names.</summary>
    public static readonly IReadOnlySet<string> Untranslated = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "available", "creating", "creating_from_snapshot", "deleting", "error", "error_deleting", "extending", "shrinking",
        "awaiting_approval", "rejected", "queued_to_apply", "applying", "active", "queued_to_deny", "denying", "reverting",
        "pending", "approved", "succeeded", "failed", "running", "queued", "ro", "rw", "ip", "manage_starting", "unmanage_starting",
        "KiB", "MiB", "GiB", "TiB", "B", "ms", "UTC",
        "ZfsPortal", "NFS", "NFSv", "ZFS", "Manila", "API", "OpenAPI", "Hangfire", "Linux", "macOS", "Windows", "IPv", "CIDR", "URL",
        "English", "fstab", "etc", "root", "root_squash", "no_root_squash", "access_rules_status", "cron",
        // Commands, packages and product editions named in the mount hints, as the reader types or buys them.
        "sudo", "mount", "df", "resvport", "nfs-common", "nfs-utils", "Mac", "PowerShell", "Pro", "Enterprise",
    };

    /// <summary>Each English word shown, with the text it sits in, once.</summary>
    /// <param name="elsewhere">CSS selectors of parts that another list of cases checks (a panel of another feature).</param>
    public static IReadOnlyList<string> In(string markup, IEnumerable<string> dataValues, IEnumerable<string>? elsewhere = null)
    {
        var values = dataValues.Where(v => !string.IsNullOrEmpty(v)).OrderByDescending(v => v.Length).ToList();
        var document = new HtmlParser().ParseDocument($"<body>{markup}</body>");
        foreach (var part in (elsewhere ?? []).SelectMany(selector => document.QuerySelectorAll(selector)).ToList())
            part.Remove();
        var found = new List<string>();
        foreach (var text in ShownTexts(document.Body!))
        {
            var rest = values.Aggregate(text, (t, v) => t.Replace(v, " ", StringComparison.Ordinal));
            rest = Noise().Replace(rest, " ");
            found.AddRange(Word().Matches(rest).Select(m => m.Value).Where(w => !Untranslated.Contains(w))
                .Select(w => $"'{w}' in \"{text.Trim()}\""));
        }
        return [.. found.Distinct()];
    }

    private static IEnumerable<string> ShownTexts(IElement root)
    {
        foreach (var node in root.Descendants())
        {
            if (node is IText text && !InsideCodeOrScript(text))
                yield return text.Data;
            else if (node is IElement element)
                foreach (var name in ShownAttributes)
                    if (element.GetAttribute(name) is { Length: > 0 } value)
                        yield return value;
        }
    }

    private static bool InsideCodeOrScript(INode node) =>
        node.Ancestors<IElement>().Any(e => e.LocalName is "code" or "pre" or "kbd" or "script" or "style");

    // GUIDs, e-mail addresses, paths and addresses (192.0.2.4:/pool/x, 10.0.0.0/24) are data, not words.
    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\S+@\S+|\S*\d\S*/\S*|(?<!\S)/\S+")]
    private static partial Regex Noise();

    // Two letters or more (a single letter is a unit, an option or an initial); nfs-common is one word.
    [GeneratedRegex(@"[A-Za-z][A-Za-z_-]*[A-Za-z](?:['’][A-Za-z]+)?")]
    private static partial Regex Word();
}
