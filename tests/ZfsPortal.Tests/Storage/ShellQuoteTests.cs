using System.Diagnostics;
using System.Text;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class ShellQuoteTests
{
    public static TheoryData<string> Awkward => new()
    {
        "plain",
        "with space",
        "it's",
        "'",
        "''",
        "a;rm -rf /",
        "$(id)",
        "`id`",
        "${HOME}",
        "line1\nline2",
        "tab\there",
        "back\\slash",
        "\"double\"",
        "*",
        "~root",
        "#comment",
        "a|b&c>d<e",
        "-o",
        "x=y",
        "日本語 ÜML 🙂",
        "!bang",
        "trailing\n",
    };

    [Fact]
    public void Quote_leaves_safe_words_bare()
    {
        Assert.Equal("zfsportal/share_1.2:3-4", ShellQuote.Quote("zfsportal/share_1.2:3-4"));
        Assert.Equal("refquota=1073741824", ShellQuote.Quote("refquota=1073741824"));
        Assert.Equal("-H", ShellQuote.Quote("-H"));
        Assert.Equal("a@b%c+d,e", ShellQuote.Quote("a@b%c+d,e"));
    }

    [Fact]
    public void Quote_wraps_text_with_spaces_and_quotes()
    {
        Assert.Equal("'with space'", ShellQuote.Quote("with space"));
        Assert.Equal(@"'it'\''s'", ShellQuote.Quote("it's"));
    }

    [Theory]
    [InlineData(";")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("a\nb")]
    [InlineData("*")]
    [InlineData("日本")]
    public void Quote_wraps_shell_metacharacters_newlines_and_unicode(string arg) =>
        Assert.Equal("'" + arg + "'", ShellQuote.Quote(arg));

    [Fact]
    public void Quote_turns_empty_string_into_two_quotes() => Assert.Equal("''", ShellQuote.Quote(""));

    [Fact]
    public void Quote_refuses_nul() => Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));

    [Fact]
    public void Join_quotes_each_word_and_separates_with_spaces() =>
        Assert.Equal(@"/usr/bin/sudo -n /usr/sbin/zfs create -o 'x=a b' 'p/it'\''s'",
            ShellQuote.Join(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "-o", "x=a b", "p/it's"]));

    [Fact]
    public void Join_quotes_a_first_word_that_would_read_as_an_assignment() =>
        Assert.Equal("'A=b' c=d", ShellQuote.Join(["A=b", "c=d"]));

    [Fact]
    public void Join_refuses_an_empty_command() => Assert.Throws<ArgumentException>(() => ShellQuote.Join([]));

    [Theory]
    [MemberData(nameof(Awkward))]
    public async Task Quote_round_trips_through_sh_unchanged(string arg)
    {
        var output = await ShellAsync("/bin/sh", "printf '%s\\n' " + ShellQuote.Quote(arg));
        Assert.Equal(arg + "\n", output);
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public async Task Quote_round_trips_through_bash_unchanged(string arg)
    {
        var output = await ShellAsync("/bin/bash", "printf '%s\\n' " + ShellQuote.Quote(arg));
        Assert.Equal(arg + "\n", output);
    }

    [Fact]
    public async Task Join_hands_every_word_to_the_command_as_one_argument()
    {
        string[] words = ["with space", "it's", "$(id)", "", "x=y", "`id`", "日本"];
        var output = await ShellAsync("/bin/sh", ShellQuote.Join(["printf", "[%s]", .. words]));
        Assert.Equal(string.Concat(words.Select(w => $"[{w}]")), output);
    }

    public static TheoryData<string, string[], string[], int> Pipelines => new()
    {
        // shell, first, second, exit status wanted
        { "/bin/sh", ["true"], ["true"], 0 },
        { "/bin/sh", ["false"], ["cat"], 1 },
        { "/bin/sh", ["sh", "-c", "exit 3"], ["cat"], 3 },
        { "/bin/sh", ["true"], ["sh", "-c", "exit 4"], 4 },
        { "/bin/sh", ["sh", "-c", "exit 3"], ["sh", "-c", "cat >/dev/null; exit 4"], 4 },
        { "/bin/sh", ["/nonexistent/zfs", "send"], ["cat"], 127 },
        { "/bin/bash", ["false"], ["cat"], 1 },
        { "/bin/bash", ["sh", "-c", "exit 3"], ["cat"], 3 },
        { "/bin/bash", ["true"], ["sh", "-c", "exit 4"], 4 },
    };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public async Task Pipeline_fails_when_either_side_fails_in_sh_and_bash(string shell, string[] first, string[] second, int exitCode)
    {
        var (exit, _, _) = await RunAsync(shell, ShellQuote.Pipeline(first, second));
        Assert.Equal(exitCode, exit);
    }

    [Theory]
    [InlineData("/bin/sh")]
    [InlineData("/bin/bash")]
    public async Task Pipeline_passes_data_through_and_keeps_stdout_and_stderr_apart(string shell)
    {
        string[] words = ["with space", "it's", "$(id)", "`id`", "|", "4>&1"];
        var (exit, stdout, stderr) = await RunAsync(shell, ShellQuote.Pipeline(
            ["sh", "-c", "printf '[%s]' \"$@\"; echo warn-first >&2", "sh", .. words],
            ["sh", "-c", "tr '[]' '<>'; echo warn-second >&2"]));

        Assert.Equal(0, exit);
        Assert.Equal(string.Concat(words.Select(w => $"<{w}>")), stdout);
        Assert.Contains("warn-first", stderr, StringComparison.Ordinal);
        Assert.Contains("warn-second", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_quotes_both_sides()
    {
        var line = ShellQuote.Pipeline(["zfs", "send", "a b"], ["zfs", "receive", "$(id)"]);
        Assert.Contains("zfs send 'a b' 4>&-", line, StringComparison.Ordinal);
        Assert.Contains("| zfs receive '$(id)' 4>&- >&3", line, StringComparison.Ordinal);
    }

    private static async Task<string> ShellAsync(string shell, string commandLine)
    {
        var (exit, stdout, stderr) = await RunAsync(shell, commandLine);
        Assert.True(exit == 0, $"{shell} failed: {stderr}");
        return stdout;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string shell, string commandLine)
    {
        var start = new ProcessStartInfo(shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(commandLine);
        start.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
