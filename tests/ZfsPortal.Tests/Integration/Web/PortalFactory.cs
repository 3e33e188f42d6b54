using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Integration.Web;

/// <summary>
/// The whole portal in-process on a data folder of the test's (SQLite + Hangfire on SQLite), with the
/// demo logins and the real local storage host as its backend. <paramref name="settings"/> adds or overrides
/// configuration keys (e.g. <c>Portal:QueuePollMilliseconds</c>).
/// </summary>
public sealed partial class PortalFactory(string dataDirectory, BackendOptions backend, bool runJobs = true,
    IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@zfsportal.local", TenantEmail = "tenant@zfsportal.local";
    public const string Password = "Test-passw0rd!";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Portal:DataDirectory", dataDirectory);
        builder.UseSetting("Portal:RunJobs", runJobs.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Seed:Demo", "true");
        builder.UseSetting("Seed:AdminPassword", Password);
        builder.UseSetting("Seed:TenantPassword", Password);
        foreach (var (key, value) in BackendSettings(backend))
            builder.UseSetting($"Storage:Backends:0:{key}", value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }

    public static IEnumerable<(string Key, string Value)> BackendSettings(BackendOptions b)
    {
        yield return ("Name", b.Name);
        yield return ("Host", b.Host);
        yield return ("Port", b.Port.ToString(CultureInfo.InvariantCulture));
        yield return ("User", b.User);
        yield return ("PrivateKeyPath", b.PrivateKeyPath);
        yield return ("HostKeySha256", b.HostKeySha256);
        yield return ("ShareExportIp", b.ShareExportIp);
        yield return ("ServiceIp", b.ServiceIp);
        yield return ("DatasetPrefix", b.DatasetPrefix);
        yield return ("NfsHelper", b.NfsHelper);
        for (var i = 0; i < b.Pools.Count; i++)
            yield return ($"Pools:{i}", b.Pools[i]);
        foreach (var (k, v) in b.DatasetCreationOptions)
            yield return ($"DatasetCreationOptions:{k}", v);
    }

    /// <summary>A client signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = Password, ["returnUrl"] = "/shares", ["__RequestVerificationToken"] = token,
        });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), body);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/shares")
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
