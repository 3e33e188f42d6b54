using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// Debian's real <c>manila</c> command (python3-manilaclient, installed by scripts/manila-client-install.sh) in bypass
/// mode against a portal on a real port: a fixed endpoint and token, with every Keystone variable unset.
/// </summary>
internal sealed class ManilaCli(Uri portal, string token)
{
    public const string Command = "/usr/bin/manila";

    public async Task<string> RunAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await TryAsync(args);
        if (exit != 0)
            throw new InvalidOperationException($"manila {string.Join(' ', args)} exited {exit}:\n{stdout}\n{stderr}");
        return stdout;
    }

    public async Task<(int Exit, string Stdout, string Stderr)> TryAsync(params string[] args)
    {
        if (!File.Exists(Command))
            throw new InvalidOperationException("The manila client is missing: run `bash scripts/manila-client-install.sh`.");
        var start = new ProcessStartInfo(Command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["OS_MANILA_BYPASS_URL"] = new Uri(portal, "/v2").ToString();
        start.Environment["OS_TOKEN"] = token;
        start.Environment["MANILACLIENT_INSECURE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
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
