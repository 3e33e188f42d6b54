using ZfsPortal.Data;
using ZfsPortal.Features.Access;

namespace ZfsPortal.Tests.Features.Access;

public sealed class ExportPolicyInputTests
{
    private static ExportPolicyInput Input(string networks = "", string v4 = "16", string v6 = "48") => new(networks, v4, v6, false, false);

    [Fact]
    public void Networks_are_read_one_or_more_per_line_canonical_and_once()
    {
        var policy = Input(" 192.0.2.0/24\n198.51.100.7/32, 2001:DB8::/32\r\n192.0.2.0/24 ", "/20", "56").Parse(out var errors);

        Assert.Empty(errors);
        Assert.Equal(["192.0.2.0/24", "198.51.100.7", "2001:db8::/32"], policy!.AllowedNetworks);
        Assert.Equal((20, 56), (policy.WidestIPv4Prefix, policy.WidestIPv6Prefix));
    }

    [Theory]
    [InlineData("192.0.2.1/24", ExportPolicyInput.NetworksField, "did you mean 192.0.2.0/24?")]
    [InlineData("lab.example.com", ExportPolicyInput.NetworksField, "looks like a host name")]
    public void A_bad_network_is_refused_at_the_networks_field(string networks, string field, string message) =>
        Assert.Contains(message, Errors(Input(networks))[field], StringComparison.Ordinal);

    [Theory]
    [InlineData("33", "16", ExportPolicyInput.IPv4Field, "'33' is not a prefix length: use a whole number from 0 to 32.")]
    [InlineData("16", "129", ExportPolicyInput.IPv6Field, "'129' is not a prefix length: use a whole number from 0 to 128.")]
    [InlineData("-1", "48", ExportPolicyInput.IPv4Field, "'-1' is not a prefix length: use a whole number from 0 to 32.")]
    [InlineData("", "48", ExportPolicyInput.IPv4Field, "Enter the widest network tenants may allow, as a prefix length from 0 to 32 (like /16).")]
    public void A_bad_prefix_is_refused_at_its_field(string v4, string v6, string field, string message) =>
        Assert.Equal(message, Errors(Input("", v4, v6))[field]);

    [Fact]
    public void Too_many_networks_are_refused() =>
        Assert.StartsWith("List at most 50 networks",
            Errors(Input(string.Join("\n", Enumerable.Range(1, 51).Select(i => $"10.0.{i}.0/24")))) [ExportPolicyInput.NetworksField],
            StringComparison.Ordinal);

    [Theory]
    [InlineData("", "0", "48", true)]
    [InlineData("0.0.0.0/0", "0", "48", true)]
    [InlineData("", "16", "0", true)]
    [InlineData("192.0.2.0/24", "0", "0", false)]
    [InlineData("", "16", "48", false)]
    public void A_policy_that_admits_the_world_is_recognised(string networks, string v4, string v6, bool world) =>
        Assert.Equal(world, ExportPolicyInput.AdmitsTheWorld(Input(networks, v4, v6).Parse(out _)!));

    [Fact]
    public void The_default_policy_reads_back_as_the_form_shows_it()
    {
        var input = ExportPolicyInput.From(ExportPolicy.Default);

        Assert.Equal(new ExportPolicyInput("", "16", "48", false, false), input);
        Assert.Equal("Any client, networks up to /16 (IPv4) and /48 (IPv6), root_squash only; wider rules are refused",
            ExportPolicyInput.Describe(ExportPolicy.Default));
    }

    private static Dictionary<string, string> Errors(ExportPolicyInput input)
    {
        Assert.Null(input.Parse(out var errors));
        return errors;
    }
}
