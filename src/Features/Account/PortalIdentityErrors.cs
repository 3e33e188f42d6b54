using Microsoft.AspNetCore.Identity;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Features.Account;

/// <summary>
/// Identity's refusals that a user reads (a password that breaks a rule, an address in use), in the reader's language
/// through <see cref="Sentences"/>: Identity's own describer has English only. The codes stay Identity's.
/// </summary>
public sealed class PortalIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        Said(nameof(PasswordTooShort), $"Passwords must be at least {length} characters.");

    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Said(nameof(PasswordRequiresNonAlphanumeric), "Passwords must have at least one non alphanumeric character.");

    public override IdentityError PasswordRequiresDigit() => Said(nameof(PasswordRequiresDigit), "Passwords must have at least one digit ('0'-'9').");

    public override IdentityError PasswordRequiresLower() => Said(nameof(PasswordRequiresLower), "Passwords must have at least one lowercase ('a'-'z').");

    public override IdentityError PasswordRequiresUpper() => Said(nameof(PasswordRequiresUpper), "Passwords must have at least one uppercase ('A'-'Z').");

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Said(nameof(PasswordRequiresUniqueChars), $"Passwords must use at least {uniqueChars} different characters.");

    public override IdentityError PasswordMismatch() => Said(nameof(PasswordMismatch), "Incorrect password.");

    public override IdentityError DuplicateEmail(string email) => Said(nameof(DuplicateEmail), $"Email '{email}' is already taken.");

    public override IdentityError DuplicateUserName(string userName) => Said(nameof(DuplicateUserName), $"Username '{userName}' is already taken.");

    public override IdentityError InvalidEmail(string? email) => Said(nameof(InvalidEmail), $"Email '{email}' is invalid.");

    public override IdentityError InvalidUserName(string? userName) =>
        Said(nameof(InvalidUserName), $"Username '{userName}' is invalid, can only contain letters or digits.");

    private static IdentityError Said(string code, string english) => new() { Code = code, Description = Sentences.Translate(english) };
}
