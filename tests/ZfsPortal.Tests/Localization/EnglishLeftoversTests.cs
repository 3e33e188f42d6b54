namespace ZfsPortal.Tests.Localization;

/// <summary>The Japanese check's eye: what it must catch and what it must let through.</summary>
public sealed class EnglishLeftoversTests
{
    [Fact]
    public void A_hard_coded_English_label_is_caught_in_text_and_in_the_attributes_people_see()
    {
        const string markup = """<div><h1>共有</h1><button title="Delete share">削除</button><input placeholder="サイズ" aria-label="Size" /><p>Nothing here</p></div>""";

        var found = EnglishLeftovers.In(markup, []);

        Assert.Contains(found, f => f.StartsWith("'Delete'", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("'Size'", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("'Nothing'", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("'here'", StringComparison.Ordinal));
    }

    [Fact]
    public void State_names_units_products_data_values_addresses_and_commands_are_not_English_to_translate()
    {
        const string markup = """
            <p>状態: <span>available</span> · 5 GiB · NFS エクスポート 192.0.2.4:/zfsportal/alpha/zfsvol</p>
            <p>プロジェクト alpha の共有 zfsvol (alpha-user@example.test) · 10.0.0.0/24 · /shares/new</p>
            <pre>mount -t nfs -o vers=4.2 192.0.2.4:/x /mnt</pre><code>zfs list</code>
            <a href="/shares" title="awaiting_approval">承認待ち</a>
            """;

        Assert.Empty(EnglishLeftovers.In(markup, ["alpha", "zfsvol"]));
    }

    [Fact]
    public void A_data_value_allows_only_itself_not_the_same_word_elsewhere_in_a_sentence()
    {
        // The seed's share is "zfsvol"; an untranslated "Share" beside it is still English.
        var found = EnglishLeftovers.In("<p>Share zfsvol は削除されました</p>", ["zfsvol"]);

        Assert.Equal(["'Share' in \"Share zfsvol は削除されました\""], found);
    }
}
