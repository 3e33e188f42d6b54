using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ZfsPortal.Features.Account;

public static class AccountServices
{
    /// <summary>
    /// Sign-in hardening on top of Identity: the rate limits, the failed-sign-in audit, and session checks for cookies
    /// and open circuits. Call after <c>AddRazorComponents</c>, so that this authentication state provider wins.
    /// </summary>
    public static IServiceCollection AddAccount(this IServiceCollection services)
    {
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Identity's cookie checks the stamp (SecurityStampValidator) only this often; the default is 30 minutes.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SignInOptions>>(
            (o, signIn) => o.ValidationInterval = TimeSpan.FromSeconds(signIn.Value.SessionCheckSeconds));
        services.AddSignInLimits();
        services.AddScoped<SignInAudit>();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        return services;
    }
}
