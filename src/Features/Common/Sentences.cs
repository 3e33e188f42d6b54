using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;

namespace ZfsPortal.Features.Common;

/// <summary>
/// The sentences services return (refusals, notices, preflight results) and store (status messages, operation steps,
/// audit details) in the reader's language. They are made and kept in English, because the API, the logs and the audit
/// trail read them too; <see cref="Translate"/> finds the English composite format they were made from in
/// Sentences.ja.resx beside this file and fills its holes into the Japanese (docs/adr/0033). A sentence with no entry
/// stays English (within the Japanese of the sentences around it) and is counted as missed, which the tests look at.
/// </summary>
public static class Sentences
{
    private static readonly ResourceManager Resources = new("ZfsPortal.src.Features.Common.Sentences", typeof(Sentences).Assembly);
    private static readonly ConcurrentDictionary<string, SentenceCatalog?> Catalogs = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<ConcurrentDictionary<string, byte>?> Recording = new();

    /// <summary>
    /// <paramref name="english"/> in the current UI culture: itself in English, else its translation, else itself.
    /// Values filled into a template that are sentences of the catalog themselves are translated too.
    /// </summary>
    public static string Translate(string? english)
    {
        if (string.IsNullOrEmpty(english))
            return english ?? "";
        var catalog = CatalogOf(CultureInfo.CurrentUICulture);
        if (catalog is null)
            return english;
        var (translated, complete) = catalog.Translate(english);
        if (!complete)
            Recording.Value?.TryAdd(english, 0);
        return translated;
    }

    /// <summary>Starts recording, for this async flow, the sentences <see cref="Translate"/> found no entry for.</summary>
    public static IReadOnlyCollection<string> RecordMisses()
    {
        var misses = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        Recording.Value = misses;
        return new MissList(misses);
    }

    /// <summary>Every English key of the culture's catalog (for the check that each sentence in the code has one).</summary>
    public static IReadOnlySet<string> KeysOf(CultureInfo culture) => CatalogOf(culture)?.Keys ?? new HashSet<string>();

    private static SentenceCatalog? CatalogOf(CultureInfo culture)
    {
        // English is the key itself; only a language with its own resx has a catalog.
        if (culture.TwoLetterISOLanguageName is "en" or "iv")
            return null;
        // The resx is the language's (ja), whatever the region of the reader's culture (ja-JP).
        return Catalogs.GetOrAdd(culture.TwoLetterISOLanguageName, language =>
            Resources.GetResourceSet(CultureInfo.GetCultureInfo(language), createIfNotExists: true, tryParents: false) is { } set
                ? SentenceCatalog.From(set) : null);
    }

    private sealed class MissList(ConcurrentDictionary<string, byte> misses) : IReadOnlyCollection<string>
    {
        public int Count => misses.Count;
        public IEnumerator<string> GetEnumerator() => misses.Keys.Order(StringComparer.Ordinal).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
