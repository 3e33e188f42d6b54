using System.Collections;
using System.Collections.Concurrent;
using System.Resources;
using System.Text.RegularExpressions;

namespace ZfsPortal.Features.Common;

/// <summary>
/// One language's sentences: exact ones by their English, and templates (English with {0}, {1}… holes, as the code
/// formats them) matched against a finished sentence to recover the values. A message the code put together from
/// several sentences is translated sentence by sentence.
/// </summary>
internal sealed partial class SentenceCatalog
{
    private const int CacheLimit = 4096;

    // How deep values are looked up as sentences themselves: a failure's message holds a step's, which holds the host's.
    private const int MaxDepth = 3;
    private readonly Dictionary<string, string> _exact;
    private readonly Template[] _templates;
    private readonly ConcurrentDictionary<string, (string Text, bool Complete)> _cache = new(StringComparer.Ordinal);

    // Whole's answers: a miss walks every template, and the same part is asked again and again (the whole message,
    // then as a piece, a head, a value at the next depth).
    private readonly ConcurrentDictionary<(string English, int Depth), string?> _wholes = new();

    private SentenceCatalog(Dictionary<string, string> exact, Template[] templates, IEnumerable<string> same)
    {
        _exact = exact;
        _templates = templates;
        Keys = new HashSet<string>(exact.Keys.Concat(templates.Select(t => t.English)).Concat(same), StringComparer.Ordinal);
    }

    public IReadOnlySet<string> Keys { get; }

    public static SentenceCatalog From(ResourceSet set)
    {
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        var templates = new List<Template>();
        var same = new List<string>();
        foreach (DictionaryEntry entry in set)
        {
            if (entry.Key is not string english || entry.Value is not string translated || translated.Length == 0)
                continue;
            // A template that reads the same in both languages ("{0} of {1}", a command line) would match any English
            // that has its few fixed words and call it translated: it is listed, never matched.
            if (Hole().IsMatch(english) && translated == english)
                same.Add(english);
            else if (Hole().IsMatch(english))
                templates.Add(Template.Of(english, translated));
            else
                exact[english] = translated;
        }
        // The most specific first: a template with more fixed text wins over one that could swallow it in a hole.
        return new SentenceCatalog(exact, [.. templates.OrderByDescending(t => t.FixedLength).ThenBy(t => t.English, StringComparer.Ordinal)], same);
    }

    /// <summary>
    /// The translation, and whether every sentence of it had an entry: one that had none (or the host's own words after
    /// a colon) stays English within the Japanese.
    /// </summary>
    public (string Text, bool Complete) Translate(string english)
    {
        if (!_cache.TryGetValue(english, out var found))
        {
            found = Whole(english, depth: 0) is { } whole ? (whole, true) : Piece(english) is { Complete: true } chain ? chain : BySentence(english);
            if (_cache.Count >= CacheLimit)
                _cache.Clear();
            _cache[english] = found;
        }
        return found;
    }

    private string? Whole(string english, int depth)
    {
        if (_exact.TryGetValue(english, out var exact))
            return exact;
        if (_wholes.TryGetValue((english, depth), out var known))
            return known;
        string? found = null;
        foreach (var template in _templates)
        {
            if (template.Fill(english, value => Value(value, depth), value => Swallows(value, depth)) is { } filled)
            {
                found = filled;
                break;
            }
        }
        if (_wholes.Count >= CacheLimit)
            _wholes.Clear();
        _wholes[(english, depth)] = found;
        return found;
    }

    // A value that is a sentence of the catalog itself, maybe after the space that joins it (" (2 of them pending)");
    // null when it is not (a name, a number, the host's words).
    private string? Value(string value, int depth)
    {
        if (depth >= MaxDepth)
            return null;
        if (Whole(value, depth + 1) is { } whole)
            return whole;
        if (Piece(value, depth + 1) is { Complete: true } pieces)
            return pieces.Text;
        var trimmed = value.TrimStart(' ');
        return trimmed.Length < value.Length && Whole(trimmed, depth + 1) is { } after ? value[..(value.Length - trimmed.Length)] + after : null;
    }

    // "X could not be made: step failed: …" in one hole: X is a sentence of the catalog, so the hole holds two.
    private bool Swallows(string value, int depth)
    {
        var colon = value.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && depth < MaxDepth && Whole(value[..colon], depth + 1) is not null;
    }

    private (string Text, bool Complete) BySentence(string english)
    {
        var complete = true;
        var text = "";
        foreach (var part in SentenceEnd().Split(english))
        {
            var (piece, done) = Piece(part);
            complete &= done;
            text += text.Length == 0 || text.EndsWith('。') || text.EndsWith('）') ? piece : " " + piece;
        }
        return (text, complete);
    }

    // "What failed: why" (OperationRun.Sentence, a step's "X failed: Y") and "clause; clause" (a list of breaches): the
    // head from the catalog, the tail in turn; a tail that is the host's own words stays as the host said it, and the
    // sentence counts as missed.
    private (string Text, bool Complete) Piece(string part, int depth = 0)
    {
        if (Whole(part, depth) is { } whole)
            return (whole, true);
        for (var at = Separator().Match(part); at.Success && depth < MaxDepth; at = at.NextMatch())
        {
            if (Whole(part[..at.Index], depth) is { } head)
            {
                var (tail, complete) = Piece(part[(at.Index + at.Length)..], depth);
                return ($"{head}{at.Value}{tail}", complete);
            }
        }
        return (part, false);
    }

    [GeneratedRegex("[:;] ")]
    private static partial Regex Separator();

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Hole();

    // A sentence ends at . ! or ? followed by space and a capital, a quote, a bracket or a backtick.
    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z`'""(\[])")]
    private static partial Regex SentenceEnd();

    private sealed class Template
    {
        private readonly Regex _pattern;
        private readonly string _prefix;
        private readonly string _suffix;
        private readonly string _translated;

        private Template(string english, Regex pattern, string prefix, string suffix, int fixedLength, string translated)
        {
            English = english;
            _pattern = pattern;
            _prefix = prefix;
            _suffix = suffix;
            FixedLength = fixedLength;
            _translated = translated;
        }

        public string English { get; }

        public int FixedLength { get; }

        public static Template Of(string english, string translated)
        {
            var pattern = "^";
            var seen = new HashSet<string>();
            var at = 0;
            var fixedLength = 0;
            foreach (Match hole in Hole().Matches(english))
            {
                var text = english[at..hole.Index];
                pattern += Regex.Escape(text);
                fixedLength += text.Length;
                var n = hole.Groups[1].Value;
                // A value may be empty: an optional clause ("{0} GiB in use{1}") is "" when there is nothing to add.
                pattern += seen.Add(n) ? $"(?<h{n}>.*?)" : $@"\k<h{n}>";
                at = hole.Index + hole.Length;
            }
            var tail = english[at..];
            pattern += Regex.Escape(tail) + "$";
            fixedLength += tail.Length;
            var first = Hole().Match(english);
            // Lazy holes on a long message can backtrack a lot: a match that takes too long is no match (the English shows).
            return new Template(english, new Regex(pattern, RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(20)),
                english[..first.Index], tail, fixedLength, translated);
        }

        /// <summary>
        /// The Japanese with this sentence's values in its holes, or null when the sentence is not of this template. A
        /// value that is untranslated but starts with a catalog sentence and a colon swallowed a sentence of its own
        /// ("{0} failed: {1}" over "X could not be made: step failed: …"): then this template is not the sentence's.
        /// </summary>
        public string? Fill(string english, Func<string, string?> value, Func<string, bool> swallows)
        {
            if (!english.StartsWith(_prefix, StringComparison.Ordinal) || !english.EndsWith(_suffix, StringComparison.Ordinal))
                return null;
            Match match;
            try
            {
                match = _pattern.Match(english);
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
            if (!match.Success)
                return null;
            var filled = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in match.Groups.Keys.Where(k => k.StartsWith('h')))
            {
                var raw = match.Groups[name].Value;
                var translated = value(raw);
                if (translated is null && swallows(raw))
                    return null;
                filled[name] = translated ?? raw;
            }
            return Hole().Replace(_translated, h => filled.TryGetValue("h" + h.Groups[1].Value, out var v) ? v : h.Value);
        }
    }
}
