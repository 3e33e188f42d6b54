using System.ComponentModel.DataAnnotations;

namespace ZfsPortal.Features.Account;

/// <summary>
/// How hard the sign-in form is to guess at, and how soon a session notices that its account signed out or changed
/// its password elsewhere. The limits sit on top of Identity's lockout (10 failures): they slow a guesser down before
/// the lockout, and also slow one who spreads guesses over many accounts, which the lockout never sees.
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "Portal:SignIn";

    /// <summary>Sign-in attempts one client address may make per minute (IPv6: per /64, which one client usually holds).</summary>
    [Range(1, 100_000)]
    public int PerAddressPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts at one account per minute, from anywhere.</summary>
    [Range(1, 100_000)]
    public int PerAccountPerMinute { get; set; } = 5;

    /// <summary>
    /// How often a session cookie, and an open page's circuit, check that the account's security stamp is unchanged
    /// (sign-out and password change renew it). 0 checks the cookie on every request; a circuit checks at least every second.
    /// </summary>
    [Range(0, 86_400)]
    public int SessionCheckSeconds { get; set; } = 60;
}
