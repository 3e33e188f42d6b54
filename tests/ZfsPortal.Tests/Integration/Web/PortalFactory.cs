using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Integration.Web;

/// <summary>
/// The whole portal in-process on a data folder of the test's (SQLite + Hangfire on SQLite), with the
/// demo logins and the real local storage host as its backend. <paramref name="settings"/> adds or overrides
/// configuration keys (e.g. <c>Portal:QueuePollMilliseconds</c>).
/// </summary>
public sealed class PortalFactory(string dataDirectory, BackendOptions backend, bool runJobs = true,
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
        foreach (var (key, value) in LocalBackend.Settings(backend))
            builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }

    /// <summary>A client signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await PortalSignIn.SignInAsync(client, email, Password);
        return client;
    }
}
