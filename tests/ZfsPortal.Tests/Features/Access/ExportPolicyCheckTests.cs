using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Access;

public sealed class ExportPolicyCheckTests
{
    private static PolicyScope Type(ExportPolicy? policy = null, string name = "default") => new("share type", name, policy ?? ExportPolicy.Default);

    private static ExportVerdict Tenant(string target, params PolicyScope[] scopes) => Judge(target, rootSquash: true, byAdmin: false, scopes);

    private static ExportVerdict Judge(string target, bool rootSquash, bool byAdmin, params PolicyScope[] scopes) =>
        ExportPolicyCheck.Judge(AccessTarget.Parse(target), rootSquash, scopes.Length == 0 ? [Type()] : scopes, byAdmin);

    [Theory]
    [InlineData("203.0.113.154")]
    [InlineData("198.51.100.0/24")]
    [InlineData("10.1.0.0/16")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:db8:1::/48")]
    public void The_default_policy_admits_single_addresses_and_networks_up_to_a_16_or_a_48(string target) =>
        Assert.Equal(new ExportVerdict(ExportDecision.Admit), Tenant(target));

    [Theory]
    [InlineData("10.0.0.0/15", "/16")]
    [InlineData("10.0.0.0/8", "/16")]
    [InlineData("0.0.0.0/0", "/16")]
    [InlineData("2001:db8::/47", "/48")]
    [InlineData("::/0", "/48")]
    public void The_default_policy_refuses_wider_networks_per_family_and_names_itself_and_who_can_change_it(string target, string widest)
    {
        var verdict = Tenant(target);

        Assert.Equal(ExportDecision.Refuse, verdict.Decision);
        Assert.Equal($"{target} is wider than {widest}, which share type 'default' allows; an admin can widen the share type's export policy.",
            verdict.Reason);
        Assert.Equal(AccessService.TargetField, verdict.Field);
    }

    [Fact]
    public void No_root_squash_is_refused_by_default_at_its_own_field()
    {
        var verdict = Judge("203.0.113.154", rootSquash: false, byAdmin: false);

        Assert.Equal(ExportDecision.Refuse, verdict.Decision);
        Assert.Equal("Share type 'default' does not allow no_root_squash; keep root_squash on, or ask an admin to allow it in the share type's export policy.",
            verdict.Reason);
        Assert.Equal(AccessService.RootSquashField, verdict.Field);
    }

    [Fact]
    public void No_root_squash_passes_a_policy_that_allows_it() =>
        Assert.Equal(ExportDecision.Admit, Judge("203.0.113.154", false, false, Type(new ExportPolicy { NoRootSquashAllowed = true })).Decision);

    [Theory]
    [InlineData("192.0.2.7", true)]
    [InlineData("192.0.2.128/25", true)]
    [InlineData("198.51.100.0/24", true)]
    [InlineData("192.0.2.0/23", false)]
    [InlineData("203.0.113.5", false)]
    [InlineData("2001:db8::1", false)]
    public void A_rule_must_fall_inside_one_of_the_allowed_networks(string target, bool inside)
    {
        var scope = Type(new ExportPolicy { AllowedNetworks = ["192.0.2.0/24", "198.51.100.0/24"], WidestIPv4Prefix = 0 });

        var verdict = Tenant(target, scope);

        Assert.Equal(inside ? ExportDecision.Admit : ExportDecision.Refuse, verdict.Decision);
        if (!inside)
            Assert.Equal($"{target} is outside the networks share type 'default' allows (192.0.2.0/24, 198.51.100.0/24); "
                         + "an admin can add it to the share type's export policy.", verdict.Reason);
    }

    [Fact]
    public void An_allowed_network_does_not_lift_the_widest_prefix()
    {
        var verdict = Tenant("10.0.0.0/8", Type(new ExportPolicy { AllowedNetworks = ["10.0.0.0/8"] }));

        Assert.Equal(ExportDecision.Refuse, verdict.Decision);
        Assert.StartsWith("10.0.0.0/8 is wider than /16", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_policy_narrows_the_type_and_a_refusal_names_the_project()
    {
        var project = new PolicyScope("project", "alpha", new ExportPolicy { AllowedNetworks = ["198.51.100.0/24"] });

        Assert.Equal(ExportDecision.Admit, Tenant("198.51.100.7", Type(), project).Decision);
        var verdict = Tenant("203.0.113.5", Type(), project);
        Assert.Equal("203.0.113.5 is outside the networks project 'alpha' allows (198.51.100.0/24); an admin can add it to the project's export policy.",
            verdict.Reason);
    }

    [Fact]
    public void A_project_policy_cannot_widen_its_share_type()
    {
        var project = new PolicyScope("project", "alpha", new ExportPolicy { WidestIPv4Prefix = 0, NoRootSquashAllowed = true });

        Assert.Equal(ExportDecision.Refuse, Tenant("10.0.0.0/8", Type(), project).Decision);
        Assert.Equal(ExportDecision.Refuse, Judge("203.0.113.5", false, false, Type(), project).Decision);
    }

    [Fact]
    public void A_policy_that_lets_wider_rules_wait_sends_them_to_approval_with_why()
    {
        var verdict = Tenant("10.0.0.0/8", Type(new ExportPolicy { WiderNeedsApproval = true }));

        Assert.Equal(ExportDecision.AwaitApproval, verdict.Decision);
        Assert.Equal("10.0.0.0/8 is wider than /16, which share type 'default' allows, so it waits for an admin's approval.", verdict.Reason);
        Assert.Null(verdict.Warning);
    }

    [Fact]
    public void No_root_squash_is_refused_even_where_wider_rules_may_wait() =>
        Assert.Equal(ExportDecision.Refuse, Judge("203.0.113.5", false, false, Type(new ExportPolicy { WiderNeedsApproval = true })).Decision);

    [Fact]
    public void A_refusal_by_one_policy_wins_over_a_wait_by_the_other()
    {
        var project = new PolicyScope("project", "alpha", new ExportPolicy { WiderNeedsApproval = false });

        var verdict = Tenant("10.0.0.0/8", Type(new ExportPolicy { WiderNeedsApproval = true }), project);

        Assert.Equal(ExportDecision.Refuse, verdict.Decision);
        Assert.Contains("project 'alpha'", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "0.0.0.0/0 exports this share to every IPv4 client, anywhere.")]
    [InlineData("::/0", "::/0 exports this share to every IPv6 client, anywhere.")]
    public void The_world_is_admitted_where_a_policy_allows_it_but_only_with_a_warning(string target, string warning)
    {
        var open = Type(new ExportPolicy { WidestIPv4Prefix = 0, WidestIPv6Prefix = 0 });

        Assert.Equal(new ExportVerdict(ExportDecision.Admit, Warning: warning), Tenant(target, open));
    }

    [Fact]
    public void An_admin_passes_the_policy_but_is_warned_of_the_world_and_of_what_the_rule_goes_beyond()
    {
        var verdict = Judge("0.0.0.0/0", rootSquash: false, byAdmin: true);

        Assert.Equal(ExportDecision.Admit, verdict.Decision);
        Assert.Equal("0.0.0.0/0 exports this share to every IPv4 client, anywhere. It goes beyond the export policy: "
                     + "0.0.0.0/0 is wider than /16, which share type 'default' allows; share type 'default' does not allow no_root_squash.",
            verdict.Warning);
    }

    [Fact]
    public void An_admin_rule_within_the_policy_needs_no_warning() =>
        Assert.Equal(new ExportVerdict(ExportDecision.Admit), Judge("198.51.100.0/24", true, true));
}
