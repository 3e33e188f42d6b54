using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Identity;

/// <summary>
/// The Keystone v3 subset at /identity/v3 over HTTP: tokens from passwords and tokens, their scope and catalog, reading
/// and revoking them, the browser's lockout, and logs (captured at Trace) that never hold a secret or a password.
/// </summary>
[Collection("storage-host")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The portal's logger factory disposes the captured logs.")]
public sealed class KeystoneTokenTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-keystone-");
    private static readonly string[] PasswordMethod = ["password"];
    private readonly CapturedLogs _logs = new();
    private TestPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data, runJobs: false);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_password_makes_a_project_token_whose_catalog_leads_to_the_share_api()
    {
        var demo = await PortalLookups.DemoProjectAsync(_portal.Services);
        using var issued = await AuthAsync(PasswordBody(TestPortal.TenantEmail, PortalLookups.Password, """{"name": "demo", "domain": {"name": "Default"}}"""));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var secret = issued.Headers.GetValues("X-Subject-Token").Single();
        var token = (await Json(issued)).GetProperty("token");
        Assert.Equal(demo.ToString(), token.GetProperty("project").GetProperty("id").GetString());
        Assert.Equal(TestPortal.TenantEmail, token.GetProperty("user").GetProperty("name").GetString());
        Assert.DoesNotContain(token.GetProperty("roles").EnumerateArray(), r => r.GetProperty("name").GetString() == "admin");
        var expires = DateTime.Parse(token.GetProperty("expires_at").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expires, DateTime.UtcNow.AddMinutes(50), DateTime.UtcNow.AddMinutes(61));
        var sharev2 = token.GetProperty("catalog").EnumerateArray().Single(s => s.GetProperty("type").GetString() == "sharev2");
        var url = new Uri(sharev2.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("interface").GetString() == "public").GetProperty("url").GetString()!);
        Assert.Equal($"/v2/{demo}", url.AbsolutePath);
        Assert.Contains(token.GetProperty("catalog").EnumerateArray(), s => s.GetProperty("type").GetString() == "shared-file-system");

        using (var shares = await SendAsync(HttpMethod.Get, url.AbsolutePath + "/shares", secret))
            Assert.Equal(HttpStatusCode.OK, shares.StatusCode);
        using (var read = await SendAsync(HttpMethod.Get, "/identity/v3/auth/tokens", secret, subject: secret))
            Assert.Equal("demo", (await Json(read)).GetProperty("token").GetProperty("project").GetProperty("name").GetString());
        using (var head = await SendAsync(HttpMethod.Head, "/identity/v3/auth/tokens", secret, subject: secret))
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // The token method makes a new token from a personal one; neither Keystone token shows in the owner's list.
        var personal = await ManilaCli.TokenAsync(_portal, TestPortal.TenantEmail);
        var byToken = new { auth = new { identity = new { methods = new[] { "token" }, token = new { id = personal } }, scope = new { project = new { id = demo } } } };
        using (var rescoped = await AuthAsync(JsonSerializer.Serialize(byToken)))
            Assert.Equal(HttpStatusCode.Created, rescoped.StatusCode);
        var tenant = await ManilaCli.UserAsync(_portal.Services, TestPortal.TenantEmail);
        Assert.Single(await _portal.Get<ApiTokenService>().ListAsync(tenant));

        using (var revoked = await SendAsync(HttpMethod.Delete, "/identity/v3/auth/tokens", secret, subject: secret))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using (var after = await SendAsync(HttpMethod.Get, url.AbsolutePath + "/shares", secret))
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using (var personalDelete = await SendAsync(HttpMethod.Delete, "/identity/v3/auth/tokens", personal, subject: personal))
            Assert.Equal(HttpStatusCode.Forbidden, personalDelete.StatusCode);
    }

    [Fact]
    public async Task Another_projects_scope_another_domain_and_another_users_token_are_refused()
    {
        await using (var db = await _portal.Db.CreateDbContextAsync())
        {
            db.Projects.Add(new Project { Name = "other" });
            await db.SaveChangesAsync();
        }
        using (var other = await AuthAsync(PasswordBody(TestPortal.TenantEmail, PortalLookups.Password, """{"name": "other", "domain": {"id": "default"}}""")))
            Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        using (var domain = await AuthAsync(PasswordBody(TestPortal.TenantEmail, PortalLookups.Password, """{"name": "demo", "domain": {"name": "Elsewhere"}}""")))
            Assert.Equal(400, (await Json(domain)).GetProperty("error").GetProperty("code").GetInt32());
        using (var malformed = await AuthAsync("""{"auth": {"""))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        // An admin may scope to any project, as the browser lets them see it.
        using (var admin = await AuthAsync(PasswordBody(TestPortal.AdminEmail, PortalLookups.Password, """{"name": "other", "domain": {"name": "Default"}}""")))
            Assert.Equal(HttpStatusCode.Created, admin.StatusCode);

        var adminToken = await ManilaCli.TokenAsync(_portal, TestPortal.AdminEmail);
        var tenantToken = await ManilaCli.TokenAsync(_portal, TestPortal.TenantEmail);
        using (var theirs = await SendAsync(HttpMethod.Get, "/identity/v3/auth/tokens", tenantToken, subject: adminToken))
            Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        using (var unknown = await SendAsync(HttpMethod.Get, "/identity/v3/auth/tokens", tenantToken, subject: "zfsp_unknown"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var anonymous = await SendAsync(HttpMethod.Get, "/identity/v3/auth/tokens", token: null, subject: tenantToken))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_for_the_browser_too_and_are_audited()
    {
        for (var i = 0; i < 10; i++)
            using (var wrong = await AuthAsync(PasswordBody(TestPortal.TenantEmail, "not-the-password", """{"name": "demo", "domain": {"name": "Default"}}""")))
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var right = await AuthAsync(PasswordBody(TestPortal.TenantEmail, PortalLookups.Password, """{"name": "demo", "domain": {"name": "Default"}}""")))
            Assert.Contains("locked", (await Json(right)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var browser = _portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using var signIn = await PortalSignIn.PostAsync(browser, TestPortal.TenantEmail, PortalLookups.Password, "/shares");
        Assert.Contains("error=locked", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
        await using var db = await _portal.Db.CreateDbContextAsync();
        Assert.True(await db.Audit.CountAsync(a => a.Action == SignInAudit.FailedAction) >= 11);
    }

    [Fact]
    public async Task No_secret_or_password_reaches_a_log()
    {
        // This portal logs everything, at every level, into _logs.
        await _portal.DisposeAsync();
        _portal = PortalLookups.Start(host, _data, runJobs: false,
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace" },
            services: s => s.AddSingleton<ILoggerProvider>(_logs));
        // From here on: the demo seed logs its generated logins at start, on purpose, before any request.
        _ = _portal.Services;
        var before = _logs.Lines.Count;
        using var issued = await AuthAsync(PasswordBody(TestPortal.TenantEmail, PortalLookups.Password, """{"name": "demo", "domain": {"name": "Default"}}"""));
        var secret = issued.Headers.GetValues("X-Subject-Token").Single();
        using (await SendAsync(HttpMethod.Get, "/v2/shares", secret)) { }
        using (await SendAsync(HttpMethod.Get, "/identity/v3/auth/tokens", secret, subject: secret)) { }
        using (await AuthAsync(PasswordBody(TestPortal.TenantEmail, "Wrong-passw0rd-xyz", """{"name": "demo", "domain": {"name": "Default"}}"""))) { }
        using (await SendAsync(HttpMethod.Get, "/v2/shares", secret + "x")) { }

        var lines = _logs.Lines.Skip(before).ToList();
        Assert.NotEmpty(lines);
        foreach (var forbidden in new[] { secret, secret[5..], PortalLookups.Password, "Wrong-passw0rd-xyz" })
            Assert.DoesNotContain(lines, line => line.Contains(forbidden, StringComparison.Ordinal));
    }

    private static string PasswordBody(string user, string password, string project) => JsonSerializer.Serialize(new
    {
        auth = new
        {
            identity = new { methods = PasswordMethod, password = new { user = new { name = user, domain = new { name = "Default" }, password } } },
            scope = new { project = JsonDocument.Parse(project).RootElement },
        },
    });

    private async Task<HttpResponseMessage> AuthAsync(string body)
    {
        using var client = _portal.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri("/identity/v3/auth/tokens", UriKind.Relative), content);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? subject = null) =>
        ApiRequests.SendAsync(_portal, method, path, token, subject: subject);

    private static Task<JsonElement> Json(HttpResponseMessage response) => ApiRequests.Json(response);

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }

    /// <summary>Every line any logger writes, with its exception, at every level.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception} {state}");
        }
    }
}
