using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Issue 17 point 3 for what services say and store: every English sentence in the code has its Japanese in
/// Sentences.ja.resx, with the same values, and a finished sentence (values filled in, several joined) comes back in
/// Japanese while an English reader and the APIs keep the English.
/// </summary>
public sealed partial class SentencesTests
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");

    [Fact]
    public void Every_sentence_in_the_code_has_Japanese()
    {
        var keys = Sentences.KeysOf(Japanese);
        var missing = CodeSentences.In(Source).Where(s => !keys.Contains(s.Key)).Select(s => $"{s.Value}: {s.Key}").ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} sentences have no entry in Sentences.ja.resx:\n  {string.Join("\n  ", missing)}");
    }

    [Fact]
    public void Every_entry_is_a_sentence_of_the_code_and_keeps_its_values()
    {
        var inCode = CodeSentences.In(Source);
        var wrong = new List<string>();
        foreach (var (english, japanese) in Entries())
        {
            if (!inCode.ContainsKey(english))
                wrong.Add($"not in the code any more: {english}");
            else if (!Holes(english).SequenceEqual(Holes(japanese)))
                wrong.Add($"values differ ({string.Join(",", Holes(english))} vs {string.Join(",", Holes(japanese))}): {english}");
            else if (japanese.Length == 0)
                wrong.Add($"empty: {english}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void A_sentence_with_values_comes_back_in_Japanese_with_the_same_values()
    {
        var said = InJapanese(() => Sentences.Translate("A project named 'alpha' exists already."));
        Assert.Contains("alpha", said);
        Assert.DoesNotContain("exists", said);
        Assert.Matches("[\u3040-\u30ff\u4e00-\u9fff]", said);
    }

    [Fact]
    public void Sentences_joined_into_one_message_come_back_one_by_one()
    {
        var english = "That project does not exist. " + "That user is not a member of the project.";
        var said = InJapanese(() => Sentences.Translate(english));
        Assert.Equal(InJapanese(() => Sentences.Translate("That project does not exist.") + Sentences.Translate("That user is not a member of the project.")), said);
        Assert.DoesNotMatch("[A-Za-z]{3,}", said);
    }

    [Fact]
    public void A_refusal_is_made_in_the_callers_language()
    {
        var japanese = InJapanese(() => CommandResult.Refused("That project does not exist.").Error);
        var english = CommandResult.Refused("That project does not exist.").Error;
        Assert.Equal("That project does not exist.", english);
        Assert.NotEqual(english, japanese);
    }

    [Fact]
    public void A_sentence_with_no_entry_stays_English_and_is_recorded()
    {
        var (said, missed) = InJapanese(() =>
        {
            var misses = Sentences.RecordMisses();
            return (Sentences.Translate("Nothing in the catalog reads like this."), misses.ToList());
        });
        Assert.Equal("Nothing in the catalog reads like this.", said);
        Assert.Equal(["Nothing in the catalog reads like this."], missed);
    }

    [Fact]
    public void English_readers_get_the_English()
    {
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            Assert.Equal("A project named 'alpha' exists already.", Sentences.Translate("A project named 'alpha' exists already."));
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }

    private static T InJapanese<T>(Func<T> act)
    {
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = Japanese;
        try
        {
            return act();
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }

    private static IEnumerable<(string English, string Japanese)> Entries() =>
        XDocument.Load(Path.Combine(Source, "Features", "Common", "Sentences.ja.resx")).Root!.Elements("data")
            .Select(d => ((string)d.Attribute("name")!, (string?)d.Element("value") ?? ""));

    private static IEnumerable<string> Holes(string text) => HolePattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex HolePattern();

    private static string Source
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ZfsPortal.sln")))
                    return Path.Combine(dir.FullName, "src");
            }
            throw new InvalidOperationException($"ZfsPortal.sln not found above {AppContext.BaseDirectory}.");
        }
    }
}
