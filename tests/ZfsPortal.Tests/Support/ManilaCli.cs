using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// Debian's real OpenStack clients (python3-manilaclient's <c>manila</c>, python3-openstackclient's <c>openstack</c>;
/// installed by scripts/manila-client-install.sh) against a portal on a real port: in bypass mode (a fixed endpoint and
/// token) or through the portal's Keystone subset (<c>OS_AUTH_URL</c>), with every other OpenStack variable unset.
/// </summary>
internal sealed class ManilaCli
{
    public const string Command = "/usr/bin/manila", OpenStackCommand = "/usr/bin/openstack";
    private readonly string _command;
    private readonly Dictionary<string, string> _environment;

    /// <summary>Bypass mode: <c>OS_MANILA_BYPASS_URL</c> and <c>OS_TOKEN</c>, no Keystone.</summary>
    public ManilaCli(Uri portal, string token)
        : this(Command, new() { ["OS_MANILA_BYPASS_URL"] = new Uri(portal, "/v2").ToString(), ["OS_TOKEN"] = token })
    {
    }

    private ManilaCli(string command, Dictionary<string, string> environment) => (_command, _environment) = (command, environment);

    /// <summary>A portal user's password at the portal's <c>/identity/v3</c>, scoped to one project, as an openrc sets it.</summary>
    public static ManilaCli WithKeystone(Uri portal, string user, string password, string project, string command = Command) =>
        new(command, new()
        {
            ["OS_AUTH_URL"] = new Uri(portal, "/identity/v3").ToString(), ["OS_IDENTITY_API_VERSION"] = "3", ["OS_AUTH_TYPE"] = "password",
            ["OS_USERNAME"] = user, ["OS_PASSWORD"] = password, ["OS_PROJECT_NAME"] = project,
            ["OS_USER_DOMAIN_NAME"] = "Default", ["OS_PROJECT_DOMAIN_NAME"] = "Default", ["OS_INTERFACE"] = "public",
        });

    public async Task<string> RunAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await TryAsync(args);
        if (exit != 0)
            throw new InvalidOperationException($"{Path.GetFileName(_command)} {string.Join(' ', args)} exited {exit}:\n{stdout}\n{stderr}");
        return stdout;
    }

    public async Task<(int Exit, string Stdout, string Stderr)> TryAsync(params string[] args)
    {
        if (!File.Exists(_command))
            throw new InvalidOperationException($"{_command} is missing: run `bash scripts/manila-client-install.sh`.");
        var start = new ProcessStartInfo(_command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in _environment)
            start.Environment[key] = value;
        start.Environment["MANILACLIENT_INSECURE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A value of the manila client's <c>| Property | Value |</c> table.</summary>
    public static string Field(string table, string property)
    {
        var match = Regex.Match(table, $@"^\|\s*{Regex.Escape(property)}\s*\|\s*(.*?)\s*\|\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"No '{property}' in:\n{table}");
        return match.Groups[1].Value;
    }

    /// <summary>A fresh API token of the seeded user with that e-mail, as its owner would make one in the portal.</summary>
    public static async Task<string> TokenAsync(TestPortal portal, string email, DateTime? expiresAt = null)
    {
        var user = await UserAsync(portal.Services, email);
        var created = await portal.Get<ApiTokenService>().CreateAsync(user, $"test-{Guid.NewGuid():N}"[..20], expiresAt);
        return created.Secret ?? throw new InvalidOperationException(created.Result.Error);
    }

    public static async Task<CurrentUser> UserAsync(IServiceProvider services, string email)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        var admin = await db.UserRoles.AnyAsync(r => r.UserId == user.Id && db.Roles.Any(x => x.Id == r.RoleId && x.Name == Roles.Admin));
        return new CurrentUser(user.Id, user.UserName!, admin);
    }
}
