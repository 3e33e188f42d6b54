using System.Text;
using System.Text.RegularExpressions;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// The English sentences in the portal's C# code, as <see cref="ZfsPortal.Features.Common.Sentences"/> meets them: each
/// string literal, or run of literals joined by <c>+</c>, with interpolation holes numbered {0}, {1}… in order (what a
/// hole computes, quotes and all, is skipped). Log calls, comments and attributes are not read; nor are the Manila API
/// (its callers are Manila's English-only clients, and its endpoints have no summaries to show), the migrations, and the
/// files whose texts are resx keys already. Keystone's are read: the API reference page shows its endpoints' summaries.
/// </summary>
internal static partial class CodeSentences
{
    private static readonly string[] NotRead =
    [
        "Api/Manila/", "Data/Migrations/", "Data/PostgreSql/", "Features/Usage/UsageTexts.cs",
    ];

    public static IReadOnlyDictionary<string, string> In(string srcDirectory)
    {
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(srcDirectory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(srcDirectory, file).Replace('\\', '/');
            if (NotRead.Any(relative.StartsWith))
                continue;
            var text = string.Join('\n', File.ReadAllLines(file).Select(l => NotText().IsMatch(l) ? "" : l));
            foreach (var (sentence, at) in new Lexer(text).Runs())
            {
                // A sentence that follows another at run time (" It did run {0}.") is met on its own, after a split.
                var trimmed = sentence.TrimStart(' ');
                if (IsSentence(trimmed))
                    found.TryAdd(trimmed, $"src/{relative}:{text[..at].Count(c => c == '\n') + 1}");
            }
        }
        return found;
    }

    // Two words, or one beside a value ("{0}, pool {1}"): what a step, a detail or a refusal can be. A clause for a list
    // or an audit entry's target may start in lower case when it holds a value ("share type '{0}' does not allow…",
    // "share {0} in {1}").
    private static bool IsSentence(string text) =>
        text.Contains(' ')
        && (StartsLikeText().IsMatch(text) || (char.IsAsciiLetterLower(text[0]) && text.Contains("{0}", StringComparison.Ordinal)))
        && (Word().Count(text) >= 2 || (Word().IsMatch(text) && text.Contains("{0}", StringComparison.Ordinal)));

    /// <summary>Reads C# just far enough to find string literals: comments, char literals and holes are stepped over.</summary>
    private sealed class Lexer(string text)
    {
        private int _at;

        public IEnumerable<(string Text, int At)> Runs()
        {
            while (_at < text.Length)
            {
                if (StartsString())
                {
                    var start = _at;
                    var run = new StringBuilder();
                    var hole = 0;
                    while (true)
                    {
                        run.Append(ReadString(ref hole));
                        var back = _at;
                        SkipSpace();
                        if (_at < text.Length && text[_at] == '+')
                        {
                            _at++;
                            SkipSpace();
                            if (StartsString())
                                continue;
                        }
                        _at = back;
                        break;
                    }
                    yield return (run.ToString(), start);
                }
                else
                    SkipOther();
            }
        }

        private bool StartsString()
        {
            var i = _at;
            while (i < text.Length && text[i] is '$' or '@')
                i++;
            return i < text.Length && text[i] == '"' && i - _at <= 2;
        }

        private void SkipOther()
        {
            if (Peek("//"))
                while (_at < text.Length && text[_at] != '\n') _at++;
            else if (Peek("/*"))
            {
                var end = text.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                _at = end < 0 ? text.Length : end + 2;
            }
            else if (text[_at] == '\'')
            {
                _at++;
                while (_at < text.Length && text[_at] != '\'')
                    _at += text[_at] == '\\' ? 2 : 1;
                _at++;
            }
            else
                _at++;
        }

        private void SkipSpace()
        {
            while (_at < text.Length)
            {
                if (char.IsWhiteSpace(text[_at])) _at++;
                else if (Peek("//")) while (_at < text.Length && text[_at] != '\n') _at++;
                else break;
            }
        }

        private bool Peek(string what) => string.CompareOrdinal(text, _at, what, 0, what.Length) == 0;

        /// <summary>One literal from its prefix to its closing quote, as the reader sees it; holes become {n}.</summary>
        private string ReadString(ref int hole)
        {
            var (interpolated, verbatim) = (false, false);
            while (text[_at] is '$' or '@')
            {
                interpolated |= text[_at] == '$';
                verbatim |= text[_at] == '@';
                _at++;
            }
            if (Peek("\"\"\""))
                return ReadRaw();
            _at++;
            var body = new StringBuilder();
            while (_at < text.Length)
            {
                var c = text[_at];
                if (c == '"' && verbatim && _at + 1 < text.Length && text[_at + 1] == '"') { body.Append('"'); _at += 2; }
                else if (c == '"') { _at++; break; }
                else if (c == '\\' && !verbatim) { body.Append(Escaped(text[_at + 1])); _at += 2; }
                else if (interpolated && Peek("{{")) { body.Append('{'); _at += 2; }
                else if (interpolated && Peek("}}")) { body.Append('}'); _at += 2; }
                else if (interpolated && c == '{') { SkipHole(); body.Append('{').Append(hole++).Append('}'); }
                else { body.Append(c); _at++; }
            }
            return body.ToString();
        }

        // A hole's expression may hold strings, char literals and braces of its own.
        private void SkipHole()
        {
            var depth = 0;
            while (_at < text.Length)
            {
                var c = text[_at];
                if (StartsString()) { var ignored = 0; ReadString(ref ignored); continue; }
                if (c == '\'') { SkipOther(); continue; }
                _at++;
                if (c is '{' or '(' or '[') depth++;
                else if (c is '}' or ')' or ']' && --depth == 0 && c == '}') return;
            }
        }

        private string ReadRaw()
        {
            var end = text.IndexOf("\"\"\"", _at + 3, StringComparison.Ordinal);
            var body = end < 0 ? "" : text[(_at + 3)..end];
            _at = end < 0 ? text.Length : end + 3;
            return body;
        }

        private static string Escaped(char c) => c switch { 'n' => "\n", 't' => "\t", 'r' => "\r", '0' => "\0", _ => c.ToString() };
    }

    [GeneratedRegex(@"^\s*(//|\[)|\bLog(Information|Warning|Error|Debug|Trace|Critical)\b|\blogger\.|_log\.|\blog\.")]
    private static partial Regex NotText();

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex Word();

    // A clause filled into another sentence may start with its joint (", 3 GiB reserved…", "(2 of them pending)").
    [GeneratedRegex(@"^[,;]?\s*[A-Z{(`']")]
    private static partial Regex StartsLikeText();
}
