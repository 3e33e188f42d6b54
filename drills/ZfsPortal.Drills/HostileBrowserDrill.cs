using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;
using ZfsPortal.Testing;

namespace ZfsPortal.Drills;

/// <summary>
/// The browser half of the hostile-input drill: <see cref="HostileDrill"/>'s lists typed into the real pages in
/// Debian's Chromium (new-share form, snapshot dialog, access form, extend dialog), one fresh page per input so that
/// an error on the page belongs to that input. Each input must be refused on the page with a sentence, or accepted and
/// then shown as text (the page's text equals what portal.db holds; no element, dialog, console error or page error
/// from it); and none may reach a shell (the recorded host commands, the marker file, the host's datasets and exports
/// and the pool's root folder read back).
/// </summary>
internal static partial class HostileBrowserDrill
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Patience = 30_000;

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    /// <summary>What a payload would make of the page if it were rendered as markup or run as script.</summary>
    private const string InjectedProbe = """
        () => [...document.querySelectorAll('img[src="x"], img[onerror], script')]
            .filter(e => e.tagName !== 'SCRIPT' || /alert\(|touch /.test(e.textContent))
            .map(e => e.outerHTML.slice(0, 80))
        """;

    public static async Task<DrillRow> RunAsync(DrillHost host, string runId, TextWriter log, CancellationToken ct)
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"The browser drill needs Debian's Chromium at {Chromium}: `apt-get install -y --no-install-recommends chromium`.");
        var row = new DrillRow("hostile input (browser)");
        File.Delete(HostileDrill.Marker);
        await using var rig = await Rig.StartAsync(host, runId, "hostileweb", ct, servePages: true);
        var req = new Requests(rig);
        var drill = new Session(rig, req, row);
        try
        {
            await drill.StartAsync(ct);
            await drill.RunAllAsync(ct);
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(3), ct);
            await drill.CheckAsync(log, ct);
        }
        finally
        {
            await drill.DisposeAsync();
        }
        row.Add(await Invariants.CheckAsync(rig, ct));
        await log.WriteLineAsync($"  hostile (browser): {string.Join(" | ", row.Notes)}");
        return row;
    }

    /// <summary>One signed-in tenant in one browser, and what it saw.</summary>
    private sealed class Session(Rig rig, Requests req, DrillRow row) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _browserProblems = new();
        private readonly List<string> _bad = [];
        private readonly List<string> _refusals = [];
        private readonly List<(string Kind, string Typed, Guid Id)> _accepted = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _truncated;
        private string _last = "";
        private readonly HashSet<string> _bomDropped = [];
        private IPlaywright? _playwright;
        private IBrowser? _browser;
        private IPage _page = default!;
        private Guid _share;

        public async Task StartAsync(CancellationToken ct)
        {
            _share = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
            var context = await _browser.NewContextAsync(new()
            {
                BaseURL = rig.BaseAddress!.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "en-US",
            });
            context.SetDefaultTimeout(Patience);
            // As the E2E tests do: every CSP refusal reaches the console (init scripts run outside the page's CSP).
            await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error(" +
                "`CSP violation: ${e.violatedDirective} refused ${e.blockedURI || 'inline'}`));");
            _page = await context.NewPageAsync();
            _page.Dialog += async (_, d) =>
            {
                _browserProblems.Enqueue($"a {d.Type} dialog opened: {HostileDrill.Show(d.Message)}");
                await d.DismissAsync();
            };
            _page.Console += (_, m) =>
            {
                if (m.Type == "error")
                    _browserProblems.Enqueue($"console error: {HostileDrill.Show(m.Text)}");
            };
            _page.PageError += (_, e) => _browserProblems.Enqueue($"page error: {HostileDrill.Show(e)}");
            context.Page += (_, p) => _browserProblems.Enqueue($"a new window opened: {p.Url}");

            await _page.GotoAsync("/account/login");
            await _page.Locator("#email").FillAsync(TestPortal.TenantEmail);
            await _page.Locator("#password").FillAsync(Rig.Password);
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await _page.WaitForURLAsync(SharesList());
            await SelfCheckAsync();
        }

        /// <summary>
        /// Markup a payload would make if a page rendered it, put into the page by hand: the drill must see it (the
        /// probe finds the element, the browser reports the refused or run script), or its zero would mean nothing.
        /// </summary>
        private async Task SelfCheckAsync()
        {
            await Assertions.Expect(_page.Locator("[data-interactive]").First).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Patience });
            await _page.EvaluateAsync("() => document.body.insertAdjacentHTML('beforeend', '<img id=\"drill-self-check\" src=\"x\" onerror=\"alert(1)\">')");
            var clock = Stopwatch.StartNew();
            while (_browserProblems.IsEmpty && clock.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(50);
            var found = await _page.EvaluateAsync<string[]>(InjectedProbe);
            if (_browserProblems.IsEmpty || found.Length == 0)
                throw new InvalidOperationException($"The drill's watch is blind: injected markup gave {found.Length} elements and {_browserProblems.Count} browser reports.");
            row.Notes.Add($"self-check: injected markup seen ({found.Length} element, browser said: {_browserProblems.First()})");
            await _page.EvaluateAsync("() => document.getElementById('drill-self-check').remove()");
            _browserProblems.Clear();
        }

        public async Task RunAllAsync(CancellationToken ct)
        {
            foreach (var p in HostileDrill.Payloads)
            {
                await CreateAsync("share name", p, "d", "1", ct);
                await CreateAsync("description", p, null, "1", ct);
                await SnapshotAsync(p, ct);
            }
            foreach (var t in HostileDrill.Targets)
                await AllowAsync(t, ct);
            foreach (var s in HostileDrill.Sizes)
            {
                await CreateAsync("size", s, null, s, ct);
                await ExtendAsync(s, ct);
            }
        }

        /// <param name="description">The description to type; null: <paramref name="input"/> is the description (or the size).</param>
        private async Task CreateAsync(string kind, string input, string? description, string size, CancellationToken ct)
        {
            var name = kind == "share name" ? input : req.NextName(kind == "size" ? "wsize" : "wdesc");
            await OpenAsync("/shares/new", "#share-name");
            await FillAsync("#share-name", name);
            await FillAsync("#share-description", kind == "description" ? input : description ?? "");
            await FillAsync("#share-size", size);
            var typed = await _page.Locator(kind switch { "share name" => "#share-name", "description" => "#share-description", _ => "#share-size" }).InputValueAsync();
            await Attempt(kind, input, typed, _page.Locator("form").Filter(new() { Has = _page.Locator("#share-name") }),
                () => _page.Locator("[data-testid=create-share-submit]").ClickAsync(),
                () => Task.FromResult(SharePage().Match(_page.Url) is { Success: true } m ? Guid.Parse(m.Groups[1].Value) : (Guid?)null), ct);
        }

        private async Task SnapshotAsync(string input, CancellationToken ct)
        {
            await OpenShareAsync(ct);
            await _page.Locator("[data-testid=snapshot-create]").ClickAsync();
            await FillAsync("#snapshot-name", input);
            var typed = await _page.Locator("#snapshot-name").InputValueAsync();
            var before = await SnapshotIdsAsync(ct);
            await Attempt("snapshot name", input, typed, _page.Locator(".mud-dialog"),
                () => _page.Locator("[data-testid=dialog-submit]").ClickAsync(),
                async () => await _page.Locator(".mud-dialog").CountAsync() == 0 ? (await SnapshotIdsAsync(ct)).Except(before).FirstOrDefault() : null, ct);
        }

        private async Task AllowAsync(string input, CancellationToken ct)
        {
            await OpenShareAsync(ct);
            await FillAsync("#access-target", input);
            var typed = await _page.Locator("#access-target").InputValueAsync();
            var before = await RuleIdsAsync(ct);
            // Accepted: the form empties its field; a warning (the world, beyond the policy) opens a message box first.
            var panel = _page.Locator("[data-testid=access-panel]");
            await Attempt("access target", input, typed, panel,
                () => _page.Locator("[data-testid=access-add]").ClickAsync(),
                async () =>
                {
                    var added = (await RuleIdsAsync(ct)).Except(before).ToList();
                    return added.Count > 0 && await _page.Locator("#access-target").InputValueAsync() == "" ? added[0] : null;
                }, ct);
        }

        private async Task ExtendAsync(string input, CancellationToken ct)
        {
            await OpenShareAsync(ct);
            await _page.Locator("[data-testid=share-extend]").ClickAsync();
            await FillAsync("#resize-size", input);
            var typed = await _page.Locator("#resize-size").InputValueAsync();
            await Attempt("extend size", input, typed, _page.Locator(".mud-dialog"),
                () => _page.Locator("[data-testid=dialog-submit]").ClickAsync(),
                async () => await _page.Locator(".mud-dialog").CountAsync() == 0 ? _share : null, ct);
            // An accepted extend runs before the next input, as in the services half.
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(1), ct);
        }

        /// <summary>
        /// Submits, then waits for the page's answer: accepted (<paramref name="accepted"/> gives the new row's id) or
        /// refused (an error shown in <paramref name="scope"/>, or a message box, which is answered Cancel).
        /// </summary>
        private async Task Attempt(string kind, string input, string typed, ILocator scope, Func<Task> submit, Func<Task<Guid?>> accepted,
            CancellationToken ct)
        {
            row.Runs++;
            row.Faults++;
            if (typed != input.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal) && typed.Length < input.Length)
                _truncated++;
            var problemsBefore = _browserProblems.Count;
            await submit();
            var until = Stopwatch.StartNew();
            var errors = scope.Locator(".mud-input-control.mud-input-error .mud-input-helper-text, .mud-alert-message");
            var box = _page.Locator(".mud-message-box, .mud-dialog", new() { HasText = "Allow anyway" });
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (await accepted() is { } id)
                {
                    _accepted.Add((kind, typed, id));
                    break;
                }
                if (await box.CountAsync() > 0)
                {
                    var warning = (await box.InnerTextAsync()).Trim();
                    _refusals.Add(warning);
                    await box.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
                    break;
                }
                var shown = (await errors.AllInnerTextsAsync()).Select(Counterless).Where(t => t.Length > 0).ToList();
                if (shown.Count > 0)
                {
                    foreach (var e in shown)
                    {
                        _refusals.Add(e);
                        if (!Sentences.IsSentence(e))
                            _bad.Add($"{kind} {HostileDrill.Show(input)} refused without a sentence: {HostileDrill.Show(e)}");
                    }
                    break;
                }
                if (until.Elapsed > TimeSpan.FromMilliseconds(Patience))
                {
                    _bad.Add($"{kind} {HostileDrill.Show(input)}: the page neither accepted nor refused it within {Patience / 1000:F0} s");
                    break;
                }
                await Task.Delay(50, ct);
            }
            foreach (var injected in await _page.EvaluateAsync<string[]>(InjectedProbe))
                _bad.Add($"{kind} {HostileDrill.Show(input)}: the page holds {HostileDrill.Show(injected)}");
            foreach (var p in _browserProblems.Skip(problemsBefore))
                _bad.Add($"{kind} {HostileDrill.Show(input)}: {p}");
        }

        /// <summary>The share page, live; a fresh work share first when the last one left available (an extend that failed).</summary>
        private async Task OpenShareAsync(CancellationToken ct)
        {
            if (await req.ShareStatusAsync(_share, ct) != ShareStatus.Available)
                _share = await req.SettledAsync(req.CreateShareAsync(1, ct), ct);
            await OpenAsync($"/shares/{_share}", "#access-target");
            await Assertions.Expect(_page.Locator("[data-testid=share-extend]")).ToBeEnabledAsync(new() { Timeout = Patience });
        }

        /// <summary>A full load (a fresh circuit, no error left from the last input), then waits until the field takes input.</summary>
        private async Task OpenAsync(string path, string field)
        {
            await _page.GotoAsync(path);
            await Assertions.Expect(_page.Locator(field)).ToBeEnabledAsync(new() { Timeout = Patience });
        }

        private async Task FillAsync(string selector, string text)
        {
            try { await _page.Locator(selector).FillAsync(text); }
            catch (PlaywrightException ex)
            {
                // A text the browser will not type (none so far) is recorded rather than stopping the drill.
                _bad.Add($"typing {HostileDrill.Show(text)} into {selector} failed: {ex.Message.Split('\n')[0]}");
            }
        }

        private async Task<List<Guid>> SnapshotIdsAsync(CancellationToken ct)
        {
            await using var db = await rig.Db.CreateDbContextAsync(ct);
            return await db.Snapshots.Where(s => s.ShareId == _share).Select(s => s.Id).ToListAsync(ct);
        }

        private async Task<List<Guid>> RuleIdsAsync(CancellationToken ct)
        {
            await using var db = await rig.Db.CreateDbContextAsync(ct);
            return await db.AccessRules.Where(r => r.ShareId == _share).Select(r => r.Id).ToListAsync(ct);
        }

        /// <summary>
        /// After the inputs: each accepted one is stored as validated from what the field held, and the pages show it as
        /// that text (share page, shares list, snapshot and access tables); 0 reached a shell; nothing stray on the host.
        /// </summary>
        public async Task CheckAsync(TextWriter log, CancellationToken ct)
        {
            await using var db = await rig.Db.CreateDbContextAsync(ct);
            var problemsBefore = _browserProblems.Count;
            {
                foreach (var (kind, typed, id) in _accepted)
                {
                    var (stored, expected, page, selector) = kind switch
                    {
                        "share name" => (await db.Shares.Where(s => s.Id == id).Select(s => s.Name).SingleOrDefaultAsync(ct),
                            UserInput.ValidateName(typed, "share", out _), $"/shares/{id}", "[data-testid=share-name]"),
                        "description" => (await db.Shares.Where(s => s.Id == id).Select(s => s.Description).SingleOrDefaultAsync(ct) ?? "",
                            UserInput.ValidateDescription(typed, out _), $"/shares/{id}", "tr:has(th:text-is('Description')) td"),
                        "snapshot name" => (await db.Snapshots.Where(s => s.Id == id).Select(s => s.Name).SingleOrDefaultAsync(ct),
                            UserInput.ValidateName(typed, "snapshot", out _),
                            $"/shares/{await db.Snapshots.Where(s => s.Id == id).Select(s => s.ShareId).SingleAsync(ct)}",
                            "[data-testid=snapshot-row] td:first-child"),
                        "access target" => (await db.AccessRules.Where(r => r.Id == id).Select(r => r.Target).SingleOrDefaultAsync(ct), null,
                            $"/shares/{await db.AccessRules.Where(r => r.Id == id).Select(r => r.ShareId).SingleAsync(ct)}",
                            "[data-testid=access-rule-target]"),
                        _ => ((string?)null, (string?)null, (string?)null, ""),
                    };
                    if (page is null)
                        continue;
                    if (kind != "access target" && stored != expected)
                        _bad.Add($"{kind} typed {HostileDrill.Show(typed)} stored as {HostileDrill.Show(stored)}, validated as {HostileDrill.Show(expected)}");
                    if (kind == "access target" && stored is not null && stored.Any(c => !(char.IsAsciiHexDigit(c) || c is '.' or ':' or '/')))
                        _bad.Add($"access rule stored with target {HostileDrill.Show(stored)}");
                    if (stored is { Length: > 0 } && !await ShowsTextAsync(page, selector, stored))
                        _bad.Add($"{kind} {HostileDrill.Show(stored)} is not shown as that text on {page}: {_last}");
                }
                // The list shows every accepted name at once.
                // The list, found with its search field (it shows a page of shares at a time): the name as that text.
                foreach (var (_, typed, id) in _accepted.Where(a => a.Kind == "share name"))
                    if (UserInput.ValidateName(typed, "share", out _) is { } name && !await ListShowsAsync(id, name))
                        _bad.Add($"share name {HostileDrill.Show(name)} is not in the shares list as that text: {_last}");
                foreach (var p in _browserProblems.Skip(problemsBefore))
                    _bad.Add($"showing the accepted inputs: {p}");
            }

            var lines = await HostileDrill.ShellFindingsAsync(db, _bad, ct);
            // Nothing stray in the pool's root: only the mount points of datasets.
            var datasets = (await Proc.RunAsync("/usr/sbin/zfs", "list", "-H", "-o", "mountpoint", "-r", DrillHost.Pool)).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var root = (await Proc.RunAsync("/usr/sbin/zfs", "get", "-H", "-o", "value", "mountpoint", DrillHost.Pool)).Stdout.Trim();
            if (Directory.Exists(root))
                foreach (var entry in Directory.EnumerateFileSystemEntries(root).Where(e => !datasets.Contains(e)))
                    _bad.Add($"stray file in the pool's root: {entry}");

            row.Notes.Add(Rig.Inv($"{row.Runs} inputs typed into the pages ({HostileDrill.Payloads.Length} payloads × new-share name, description, snapshot name; {HostileDrill.Targets.Length} access targets; {HostileDrill.Sizes.Length} sizes × new share, extend) in {_clock.Elapsed.TotalMinutes:F1} min; {_accepted.Count} accepted and shown as text, {_refusals.Count} refusals on the page, {_truncated} cut by the field's length limit before sending; {lines} host commands re-parsed"));
            if (_bomDropped.Count > 0)
                row.Notes.Add($"shown without their leading U+FEFF (not counted): {string.Join(", ", _bomDropped)}");
            row.Notes.Add($"{_bad.Count} failures");
            foreach (var b in _bad.Take(20))
                row.Orphans.Add(b);
            row.Notes.Add("refusals, e.g.: " + string.Join(" / ", _refusals.Distinct().Take(6).Select(r => $"\"{r}\"")));
            foreach (var b in _bad)
                await log.WriteLineAsync($"    {b}");
        }

        /// <summary>
        /// True when one of the elements' text (textContent) is exactly <paramref name="text"/>, both trimmed as the
        /// portal trims (.NET's white space: JavaScript's trim() also drops U+FEFF, which a description may keep).
        /// </summary>
        private async Task<bool> ShowsTextAsync(string path, string selector, string text)
        {
            if (!_page.Url.EndsWith(path, StringComparison.Ordinal))
            {
                await _page.GotoAsync(path);
                await Assertions.Expect(_page.Locator("[data-interactive]").First).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = Patience });
            }
            var texts = (await _page.Locator(selector).EvaluateAllAsync<string[]>("els => els.map(e => e.textContent)")).Select(t => t.Trim()).ToList();
            _last = string.Join(" | ", texts.Take(5).Select(t => HostileDrill.Show(t)));
            return Shown(texts, text);
        }

        private async Task<bool> ListShowsAsync(Guid id, string name)
        {
            if (!SharesList().IsMatch(_page.Url))
            {
                await _page.GotoAsync("/shares");
                await Assertions.Expect(_page.Locator("#shares-search")).ToBeEnabledAsync(new() { Timeout = Patience });
            }
            await _page.Locator("#shares-search").FillAsync(name);
            var cell = _page.Locator($"[data-testid=share-row][data-share-id='{id}']");
            try { await cell.WaitForAsync(new() { Timeout = 15_000 }); }
            catch (TimeoutException)
            {
                _last = "not listed when searched for";
                return false;
            }
            var text = (await cell.EvaluateAsync<string>("e => e.textContent")).Trim();
            _last = HostileDrill.Show(text);
            return Shown([text], name);
        }

        /// <summary>
        /// Exactly the text, or the text without a leading U+FEFF: the page's UTF-8 decoding (TextDecoder) takes a
        /// string's first U+FEFF for a byte order mark and drops it. That is noted, not counted: it renders less, never markup.
        /// </summary>
        private bool Shown(IReadOnlyList<string> texts, string text)
        {
            var expected = text.Trim();
            if (texts.Contains(expected, StringComparer.Ordinal))
                return true;
            if (expected.StartsWith('\uFEFF') && texts.Contains(expected[1..].Trim(), StringComparer.Ordinal))
            {
                _bomDropped.Add(HostileDrill.Show(expected));
                return true;
            }
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            if (_browser is not null)
                await _browser.CloseAsync();
            _playwright?.Dispose();
            _browser = null;
            _playwright = null;
        }

        /// <summary>MudBlazor puts the counter ("5 / 80") in the helper line next to the error.</summary>
        private static string Counterless(string text) => CounterSuffix().Replace(text.Trim(), "").Trim();
    }

    private static Regex SharesList() => SharesListPattern();
    private static Regex SharePage() => SharePagePattern();

    [GeneratedRegex(@"^https?://[^/]+/shares/?(\?.*)?$")]
    private static partial Regex SharesListPattern();

    [GeneratedRegex(@"^https?://[^/]+/shares/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?(\?.*)?$")]
    private static partial Regex SharePagePattern();

    [GeneratedRegex(@"\s*\d+\s*/\s*\d+$")]
    private static partial Regex CounterSuffix();
}
