using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ZfsPortal.Features.Account;

/// <summary>Marks the sign-in post: the only endpoint the sign-in limits count; every other request passes untouched.</summary>
public sealed class SignInAttemptEndpoint;

/// <summary>
/// ASP.NET Core's rate limiter on the sign-in post: a one-minute window per client address and one per submitted
/// account, chained, so either refuses. A refused attempt is sent back to the sign-in page with a sentence, not a 429.
/// </summary>
public static class SignInLimits
{
    public static IServiceCollection AddSignInLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInOptions>>((o, signIn) =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PerMinute(ClientAddress, signIn.Value.PerAddressPerMinute),
                PerMinute(SubmittedAccount, signIn.Value.PerAccountPerMinute));
            o.OnRejected = (rejected, _) =>
            {
                var http = rejected.HttpContext;
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInLimits)).LogWarning(
                    "Sign-in attempt from {Address} for {Account} refused: over the sign-in rate limit.",
                    ClientAddress(http), SubmittedAccount(http));
                http.Response.Redirect(AccountEndpoints.LoginPageWith(http, "throttled", Form(http)?["returnUrl"]));
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>
    /// Goes before <c>UseAntiforgery</c>: once that has found a token invalid, reading the form throws, and an attempt
    /// without a valid token should count all the same.
    /// </summary>
    public static IApplicationBuilder UseSignInLimits(this IApplicationBuilder app)
    {
        // A limiter picks its partition synchronously; reading the form here, asynchronously, means picking the
        // account's never blocks a thread on the request body.
        app.Use(async (http, next) =>
        {
            if (IsSignInAttempt(http) && http.Request.HasFormContentType)
            {
                try { await http.Request.ReadFormAsync(http.RequestAborted); }
                catch (InvalidDataException) { /* a malformed form: the endpoint's own binding refuses it */ }
            }
            await next(http);
        });
        return app.UseRateLimiter();
    }

    /// <summary>
    /// The address a limit counts: IPv4 as it is, IPv6 by its /64, since one client usually holds a whole /64 and could
    /// otherwise take a fresh address per attempt. Behind a reverse proxy this is the proxy's, unless forwarded headers
    /// are configured.
    /// </summary>
    internal static string? ClientAddress(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null)
            return "unknown";
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
            return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The account as Identity would look it up (trimmed, case-insensitive); null without one (nothing to count).</summary>
    internal static string? SubmittedAccount(HttpContext http) =>
        Form(http)?["email"].ToString().Trim() is { Length: > 0 } email ? email.ToUpperInvariant() : null;

    private static PartitionedRateLimiter<HttpContext> PerMinute(Func<HttpContext, string?> key, int permits) =>
        PartitionedRateLimiter.Create<HttpContext, string>(http =>
            IsSignInAttempt(http) && key(http) is { } k
                ? RateLimitPartition.GetFixedWindowLimiter("limit:" + k, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter("none"));

    private static bool IsSignInAttempt(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<SignInAttemptEndpoint>() is not null;

    /// <summary>The form as already read, never a synchronous read of the body.</summary>
    private static IFormCollection? Form(HttpContext http) => http.Features.Get<IFormFeature>()?.Form;
}
