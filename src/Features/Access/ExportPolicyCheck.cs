using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Access;

/// <summary>One export policy and whose it is, so that a refusal can name it: share type 'default', project 'alpha'.</summary>
public sealed record PolicyScope(string Kind, string Name, ExportPolicy Policy)
{
    public const string ShareTypeKind = "share type";

    public static PolicyScope Of(ShareType type) => new(ShareTypeKind, type.Name, type.ExportPolicy);

    /// <summary>Null when the project leaves its share types' policies as they are.</summary>
    public static PolicyScope? Of(Project project) => project.ExportPolicy is { } policy ? new("project", project.Name, policy) : null;

    public override string ToString() => $"{Kind} '{Name}'";
}

public enum ExportDecision { Admit, AwaitApproval, Refuse }

/// <param name="Reason">Why the rule is refused or waits, naming the policy and who can change it.</param>
/// <param name="Field">The form field a refusal belongs to.</param>
/// <param name="Warning">
/// Set when the rule would export to the world, or (made by an admin) goes beyond a policy: it may be made only once
/// the person asking has read this and said yes.
/// </param>
public sealed record ExportVerdict(ExportDecision Decision, string? Reason = null, string? Field = null, string? Warning = null);

/// <summary>
/// Judges an access rule against the export policies of its share's type and project (ADR 13). Pure, and the only
/// judge: every way a rule can be made (the form now, an API later) goes through <see cref="AccessService.AllowAsync"/>,
/// which asks it.
/// </summary>
public static class ExportPolicyCheck
{
    /// <param name="What">The breach as a clause, for a list of them.</param>
    /// <param name="Refusal">The breach and what to do, as the one sentence a refusal says.</param>
    private sealed record Breach(PolicyScope Scope, string What, string Refusal, string Field, bool MayWait);

    /// <param name="scopes">The type's policy and, when it has one, the project's: a tenant's rule must pass every one.</param>
    /// <param name="byAdmin">Admins set the policies, so their rules pass them, with a warning to confirm.</param>
    public static ExportVerdict Judge(AccessTarget target, bool rootSquash, IEnumerable<PolicyScope> scopes, bool byAdmin)
    {
        var breaches = scopes.SelectMany(s => Breaches(target, rootSquash, s)).ToList();
        var family = target.IsIPv6 ? "IPv6" : "IPv4";
        var world = target.PrefixLength == 0 ? $"{target} exports this share to every {family} client, anywhere." : null;
        if (byAdmin)
        {
            var beyond = breaches.Count == 0 ? null : $"It goes beyond the export policy: {string.Join("; ", breaches.Select(b => b.What))}.";
            var warning = string.Join(" ", new[] { world, beyond }.OfType<string>());
            return new ExportVerdict(ExportDecision.Admit, Warning: warning.Length == 0 ? null : warning);
        }

        if (breaches.FirstOrDefault(b => !b.MayWait) is { } refusal)
            return new ExportVerdict(ExportDecision.Refuse, refusal.Refusal, refusal.Field);
        if (breaches.Count > 0)
            return new ExportVerdict(ExportDecision.AwaitApproval,
                $"{Capitalized(string.Join("; ", breaches.Select(b => b.What)))}, so it waits for an admin's approval.", Warning: world);
        return new ExportVerdict(ExportDecision.Admit, Warning: world);
    }

    // Each breach's clause and its refusal are whole sentences per kind of scope, never a scope's kind in a hole, so that
    // each reads right in every language (Sentences.ja.resx).
    private static IEnumerable<Breach> Breaches(AccessTarget target, bool rootSquash, PolicyScope scope)
    {
        var policy = scope.Policy;
        var type = scope.Kind == PolicyScope.ShareTypeKind;
        var name = scope.Name;
        var widest = target.IsIPv6 ? policy.WidestIPv6Prefix : policy.WidestIPv4Prefix;
        if (target.PrefixLength < widest)
            yield return new Breach(scope,
                type ? $"{target} is wider than /{widest}, which share type '{name}' allows" : $"{target} is wider than /{widest}, which project '{name}' allows",
                type ? $"{target} is wider than /{widest}, which share type '{name}' allows; an admin can widen the share type's export policy."
                     : $"{target} is wider than /{widest}, which project '{name}' allows; an admin can widen the project's export policy.",
                AccessService.TargetField, policy.WiderNeedsApproval);

        var allowed = policy.AllowedNetworks.Select(n => AccessTarget.TryParse(n, out _)).OfType<AccessTarget>().ToList();
        var networks = string.Join(", ", policy.AllowedNetworks);
        if (policy.AllowedNetworks.Count > 0 && !allowed.Any(n => n.Contains(target)))
            yield return new Breach(scope,
                type ? $"{target} is outside the networks share type '{name}' allows ({networks})" : $"{target} is outside the networks project '{name}' allows ({networks})",
                type ? $"{target} is outside the networks share type '{name}' allows ({networks}); an admin can add it to the share type's export policy."
                     : $"{target} is outside the networks project '{name}' allows ({networks}); an admin can add it to the project's export policy.",
                AccessService.TargetField, policy.WiderNeedsApproval);

        if (!rootSquash && !policy.NoRootSquashAllowed)
            yield return new Breach(scope,
                type ? $"share type '{name}' does not allow no_root_squash" : $"project '{name}' does not allow no_root_squash",
                type ? $"Share type '{name}' does not allow no_root_squash; keep root_squash on, or ask an admin to allow it in the share type's export policy."
                     : $"Project '{name}' does not allow no_root_squash; keep root_squash on, or ask an admin to allow it in the project's export policy.",
                AccessService.RootSquashField, MayWait: false);
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
