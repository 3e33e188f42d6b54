using System.Text;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Snapshots;

namespace ZfsPortal.Drills;

/// <summary>
/// Hostile input through the services the pages call (names, descriptions, access targets, sizes). Counts what
/// reached a shell (an unquoted special character in a recorded host command, or the marker file a payload would
/// create), what was stored other than as validated, and refusals that are not a sentence. The browser half,
/// <see cref="HostileBrowserDrill"/>, types the same lists into the pages.
/// </summary>
internal static class HostileDrill
{
    internal const string Marker = "/tmp/zfsportal-drill-pwned";

    internal static readonly string[] Payloads =
    [
        $"$(touch {Marker})", $"`touch {Marker}`", $"; touch {Marker}", $"| touch {Marker}", $"&& touch {Marker}", $"a\ntouch {Marker}",
        $"a\rb", "a\0b", "'", "\"", "\\", "$HOME", "${IFS}", "a b", "-rf", "--help", "../../etc", "/etc/passwd", "*", "?", "[a-z]",
        "~root", "a#b", "!!", "a>b", "a<b", "(a)", "{a,b}", "%s%n", "\u202Egnp.exe", "a\u200Bb", "ℌ𝔢𝔩𝔩𝔬", "\uFEFFbom", "Ω≈ç√",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR '1'='1", "Robert'); DROP TABLE Shares;--",
        new string('A', 300), new string('é', 5000), "", "   ", "\t",
    ];

    internal static readonly string[] Targets =
    [
        "0.0.0.0/0", "::/0", "203.0.113.5;rm -rf /", "203.0.113.5 && reboot", "$(id)", "`id`", "203.0.113.5\n198.51.100.1",
        "203.0.113.5\0", "fe80::1%eth0", "fe80::1%25eth0", "fe80::1%$(id)", "203.0.113.256", "203.0.113.5/33", "203.0.113.5/-1",
        "203.0.113.5/08", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "127.1", "localhost", "*", "*.example.com", "@netgroup",
        "203.0.113.5:rw", "203.0.113.5(rw,no_root_squash)", " 203.0.113.7 ", "203.0.113.5,198.51.100.1", "２０３.０.１１３.５",
        "::ffff:203.0.113.9", "2001:db8::1/48", "2001:db8::/129", "-o rw", "--", new string('1', 1000), "", "198.51.100.0/24",
    ];

    internal static readonly string[] Sizes =
    [
        "-1", "0", "1e9", "0x10", " 5 ", "5.5", "1,000", "٣", "+1", "2147483648", "99999999999999999999", "NaN", "Infinity",
        "1; rm -rf /", "$(echo 1)", "1\n2", "", "  ", "1G", "１",
    ];

    public static async Task<DrillRow> RunAsync(DrillHost host, string runId, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("hostile input (services)");
        File.Delete(Marker);
        await using var rig = await Rig.StartAsync(host, runId, "hostile", ct);
        var req = new Requests(rig);
        var share = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
        var creates = rig.Get<CreateShareService>();
        var snapshots = rig.Get<SnapshotService>();
        var refusals = new List<string>();
        var accepted = new List<(string Kind, string Input, Guid Id)>();
        var bad = new List<string>();

        async Task Try(string kind, string input, Func<Task<CommandResult>> call)
        {
            row.Runs++;
            row.Faults++;
            CommandResult r;
            try { r = await call(); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                bad.Add($"{kind} {Show(input)} threw {ex.GetType().Name}: {ex.Message}");
                return;
            }
            if (r.Succeeded)
                accepted.Add((kind, input, r.Id!.Value));
            else
                foreach (var e in r.Errors.Values)
                {
                    refusals.Add(e);
                    if (!Sentences.IsSentence(e))
                        bad.Add($"{kind} {Show(input)} refused without a sentence: {Show(e)}");
                }
        }

        var n = 0;
        foreach (var p in Payloads)
        {
            await Try("share name", p, () => creates.CreateAsync(rig.Tenant, new CreateShareRequest(rig.ProjectId, rig.ShareTypeId, p, "d", "1"), ct));
            await Try("description", p, () => creates.CreateAsync(rig.Tenant,
                new CreateShareRequest(rig.ProjectId, rig.ShareTypeId, req.NextName("desc"), p, "1"), ct));
            await Try("snapshot name", p, () => snapshots.CreateAsync(rig.Tenant, share, p, null, ct));
            n++;
        }
        foreach (var t in Targets)
            await Try("access target", t, () => req.AllowAsync(share, t, ct));
        foreach (var s in Sizes)
        {
            await Try("size", s, () => creates.CreateAsync(rig.Tenant, new CreateShareRequest(rig.ProjectId, rig.ShareTypeId, req.NextName("size"), "", s), ct));
            await Try("extend size", s, async () =>
            {
                var r = await rig.Get<Features.Shares.Resize.ResizeShareService>().ExtendAsync(rig.Tenant, share, s, ct);
                await rig.WaitSettledAsync(TimeSpan.FromMinutes(1), ct);
                return r;
            });
        }
        await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct);

        // Stored as validated: what the validator returns for the input is what the row holds.
        await using (var db = await rig.Db.CreateDbContextAsync(ct))
        {
            foreach (var (kind, input, id) in accepted)
            {
                var stored = kind switch
                {
                    "share name" => await db.Shares.Where(s => s.Id == id).Select(s => s.Name).SingleOrDefaultAsync(ct),
                    "description" => await db.Shares.Where(s => s.Id == id).Select(s => s.Description).SingleOrDefaultAsync(ct),
                    "snapshot name" => await db.Snapshots.Where(s => s.Id == id).Select(s => s.Name).SingleOrDefaultAsync(ct),
                    _ => null,
                };
                var expected = kind switch
                {
                    "share name" => UserInput.ValidateName(input, "share", out _),
                    "description" => UserInput.ValidateDescription(input, out _),
                    "snapshot name" => UserInput.ValidateName(input, "snapshot", out _),
                    _ => null,
                };
                if (stored != expected)
                    bad.Add($"{kind} {Show(input)} stored as {Show(stored)}, validated as {Show(expected)}");
            }
            foreach (var rule in await db.AccessRules.AsNoTracking().Where(r => r.ShareId == share).ToListAsync(ct))
                if (rule.Target.Any(c => !(char.IsAsciiHexDigit(c) || c is '.' or ':' or '/')))
                    bad.Add($"access rule stored with target {Show(rule.Target)}");

            var lines = await ShellFindingsAsync(db, bad, ct);
            row.Notes.Add(Rig.Inv($"{row.Runs} inputs ({Payloads.Length} payloads × share name, description, snapshot name; {Targets.Length} access targets; {Sizes.Length} sizes × create, extend); {accepted.Count} accepted, {refusals.Count} refusals; {lines} host commands re-parsed"));
        }
        row.Notes.Add($"{bad.Count} failures");
        foreach (var b in bad.Take(20))
            row.Orphans.Add(b);
        row.Notes.Add("refusals, e.g.: " + string.Join(" / ", refusals.Distinct().Take(6).Select(r => $"\"{r}\"")));
        row.Add(await Invariants.CheckAsync(rig, ct));
        await log.WriteLineAsync($"  hostile: {string.Join(" | ", row.Notes)}");
        foreach (var b in bad)
            await log.WriteLineAsync($"    {b}");
        return row;
    }

    /// <summary>
    /// 0 reach a shell: every recorded command line splits (POSIX rules) into words with no unquoted special
    /// character, and the marker file a payload would create is absent. Adds what it finds; the lines it read.
    /// </summary>
    internal static async Task<int> ShellFindingsAsync(PortalDbContext db, List<string> bad, CancellationToken ct)
    {
        var lines = await db.HostCommands.AsNoTracking().Select(c => c.CommandLine).ToListAsync(ct);
        foreach (var line in lines)
            if (PosixWords.Split(line) is { Error: { } error })
                bad.Add($"host command {Show(line)}: {error}");
        if (File.Exists(Marker))
            bad.Add($"{Marker} exists: a payload reached a shell");
        return lines.Count;
    }

    internal static string Show(string? s) => s is null ? "(null)"
        : "\"" + (s.Length > 40 ? s[..40] + "…" : s).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\0", "\\0", StringComparison.Ordinal) + "\"";
}

/// <summary>A POSIX shell word splitter that refuses what a shell would act on outside quotes.</summary>
internal static class PosixWords
{
    private const string Special = "|&;<>()$`\n\r\t*?[#~";

    /// <summary>ShellQuote.Pipeline's fixed wrapper around two quoted argv lists; each side is checked on its own.</summary>
    private static readonly System.Text.RegularExpressions.Regex Pipeline = new(
        @"^\{ s=\$\( \{ \{ (.*) 4>&-; echo \$\? >&4; \} \| (.*) 4>&- >&3; \} 4>&1 \); r=\$\?; \} 3>&1; \[ ""\$r"" = 0 \] \|\| exit ""\$r""; \[ ""\$s"" = 0 \] \|\| exit ""\$\{s:-1\}""$",
        System.Text.RegularExpressions.RegexOptions.Singleline);

    public static (List<string> Words, string? Error) Split(string line)
    {
        if (Pipeline.Match(line) is { Success: true } m)
        {
            var left = Split(m.Groups[1].Value);
            var right = Split(m.Groups[2].Value);
            return ([.. left.Words, "|", .. right.Words], left.Error ?? right.Error);
        }
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                if (end < 0)
                    return (words, "unterminated single quote");
                current.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                    words.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else if (c == '\\' || c == '"')
            {
                return (words, $"'{c}' outside single quotes at {i}");
            }
            else if (Special.Contains(c, StringComparison.Ordinal))
            {
                return (words, $"unquoted '{c}' at {i}");
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(current.ToString());
        return (words, null);
    }
}
