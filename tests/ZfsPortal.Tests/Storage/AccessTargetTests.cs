using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class AccessTargetTests
{
    [Theory]
    [InlineData("203.0.113.154", "203.0.113.154")]
    [InlineData("198.51.100.0/24", "198.51.100.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("192.0.2.0/31", "192.0.2.0/31")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("0.1.2.3", "0.1.2.3")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("::/0", "::/0")]
    [InlineData("::1", "::1")]
    [InlineData("fe80::/10", "fe80::/10")]
    [InlineData("  203.0.113.154\t", "203.0.113.154")]
    [InlineData("\n198.51.100.0/24\n", "198.51.100.0/24")]
    public void Accepted_input_prints_back_canonically(string input, string canonical)
    {
        var target = AccessTarget.TryParse(input, out var error);

        Assert.Null(error);
        Assert.NotNull(target);
        Assert.Equal(canonical, target.Canonical);
        Assert.Equal(canonical, target.ToString());
    }

    [Theory]
    [InlineData("198.51.100.7/32", "198.51.100.7")]
    [InlineData("2001:db8::1/128", "2001:db8::1")]
    public void A_single_host_network_prints_as_the_bare_address(string input, string canonical)
    {
        var target = AccessTarget.Parse(input);

        Assert.Equal(canonical, target.Canonical);
        Assert.False(target.IsNetwork);
        Assert.Equal(input.EndsWith("/32", StringComparison.Ordinal) ? 32 : 128, target.PrefixLength);
    }

    [Fact]
    public void Networks_and_addresses_say_what_they_are()
    {
        var network = AccessTarget.Parse("2001:db8::/32");
        var address = AccessTarget.Parse("203.0.113.154");

        Assert.True(network.IsNetwork);
        Assert.True(network.IsIPv6);
        Assert.Equal(32, network.PrefixLength);
        Assert.False(address.IsNetwork);
        Assert.False(address.IsIPv6);
        Assert.Equal(System.Net.IPAddress.Parse("203.0.113.154"), address.Address);
    }

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7/32")]
    [InlineData("2001:db8::1", "2001:DB8:0::1")]
    [InlineData("2001:db8::/32", "2001:0db8::/32")]
    [InlineData("203.0.113.154", " 203.0.113.154 ")]
    public void Equality_is_by_canonical_form(string a, string b)
    {
        var left = AccessTarget.Parse(a);
        var right = AccessTarget.Parse(b);

        Assert.Equal(left, right);
        Assert.True(left == right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.Single(new HashSet<AccessTarget> { left, right });
    }

    [Fact]
    public void Different_targets_are_not_equal()
    {
        Assert.NotEqual(AccessTarget.Parse("198.51.100.0/24"), AccessTarget.Parse("198.51.100.0/25"));
        Assert.NotEqual(AccessTarget.Parse("198.51.100.0/24"), AccessTarget.Parse("198.51.100.0"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_input_asks_for_an_address(string? input) =>
        AssertRefused(input, "Enter an address or a network");

    [Theory]
    [InlineData("nfs.example.com")]
    [InlineData("abc.def")]
    [InlineData("cafe")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("localhost")]
    [InlineData("client-1")]
    [InlineData("NFS.EXAMPLE.COM.")]
    [InlineData("host1.lan")]
    public void Host_names_are_refused_with_the_hint_to_use_an_address(string input) =>
        AssertRefused(input, "use an IP address such as 203.0.113.154 or a network such as 198.51.100.0/24, not a host name");

    [Theory]
    [InlineData("999.1.1.1", "999 is more than 255")]
    [InlineData("256.0.0.0", "256 is more than 255")]
    [InlineData("1.2.3.1000", "each of the four parts")]
    [InlineData("10.1", "write all four numbers")]
    [InlineData("1", "write all four numbers")]
    [InlineData("10.0.0", "write all four numbers")]
    [InlineData("10.0.0.1.5", "write all four numbers")]
    [InlineData("10..0.1", "write all four numbers")]
    [InlineData("10.0.0.", "write all four numbers")]
    [InlineData(".10.0.0", "write all four numbers")]
    [InlineData("1.2.3.4a", "not a host name")]
    [InlineData("010.0.0.1", "leading zero ('010')")]
    [InlineData("10.0.0.01", "leading zero ('01')")]
    [InlineData("192.168.001.1", "leading zero ('001')")]
    [InlineData("00.0.0.0/0", "leading zero ('00')")]
    public void Malformed_IPv4_is_refused_with_the_reason(string input, string reason) => AssertRefused(input, reason);

    [Fact]
    public void Leading_zeros_are_refused_because_NET_would_read_them_as_octal()
    {
        // What this guards against: System.Net reads 010 as 8.
        Assert.Equal("8.0.0.1", System.Net.IPAddress.Parse("010.0.0.1").ToString());
        AssertRefused("010.0.0.1", "octal");
    }

    [Theory]
    [InlineData("10.0.0.0/33", "from 0 to 32")]
    [InlineData("10.0.0.0/-1", "from 0 to 32")]
    [InlineData("10.0.0.0/abc", "from 0 to 32")]
    [InlineData("10.0.0.0/", "from 0 to 32")]
    [InlineData("10.0.0.0/08", "from 0 to 32")]
    [InlineData("10.0.0.0/1000", "from 0 to 32")]
    [InlineData("10.0.0.0/+8", "from 0 to 32")]
    [InlineData("2001:db8::/129", "from 0 to 128")]
    [InlineData("10.0.0.0/8/8", "more than one '/'")]
    [InlineData("/24", "write all four numbers")]
    public void Prefix_lengths_out_of_range_or_not_numbers_are_refused(string input, string reason) => AssertRefused(input, reason);

    [Theory]
    [InlineData("10.0.0.1/24", "did you mean 10.0.0.0/24?")]
    [InlineData("198.51.100.7/24", "did you mean 198.51.100.0/24?")]
    [InlineData("203.0.113.154/30", "did you mean 203.0.113.152/30?")]
    [InlineData("1.2.3.4/0", "did you mean 0.0.0.0/0?")]
    [InlineData("2001:db8::1/32", "did you mean 2001:db8::/32?")]
    public void Host_bits_set_in_a_network_are_refused_with_the_network_suggested(string input, string suggestion) =>
        AssertRefused(input, suggestion);

    [Theory]
    [InlineData("203.0.113.154 198.51.100.1", "spaces")]
    [InlineData("203.0.113. 154", "spaces")]
    [InlineData("203.0.113.154\n198.51.100.1", "spaces or line breaks")]
    [InlineData("203.0.113.154;id", "contains ';'")]
    [InlineData("203.0.113.154'", "contains '''")]
    [InlineData("\"203.0.113.154\"", "contains '\"'")]
    [InlineData("$(id)", "contains '$'")]
    [InlineData("`id`", "contains '`'")]
    [InlineData("203.0.113.154|cat", "contains '|'")]
    [InlineData("203.0.113.154&", "contains '&'")]
    [InlineData("203.0.113.154>x", "contains '>'")]
    [InlineData("[2001:db8::1]", "contains '['")]
    [InlineData("203.0.113.154(rw)", "contains '('")]
    [InlineData("203.0.113.154,198.51.100.1", "contains ','")]
    [InlineData("203.0.113.154\\", "contains '\\'")]
    [InlineData("-1.0.0.0", "contains '-'")]
    [InlineData("203.0.113.１", "contains '１'")]
    public void Shell_and_exportfs_metacharacters_are_refused(string input, string reason) => AssertRefused(input, reason);

    [Theory]
    [InlineData("*")]
    [InlineData("*.example.com")]
    [InlineData("203.0.113.*")]
    [InlineData("203.0.113.?")]
    public void Wildcards_are_refused_pointing_to_the_everyone_network(string input) =>
        AssertRefused(input, "0.0.0.0/0");

    [Theory]
    [InlineData("@trusted")]
    [InlineData("@198.51.100.0/24")]
    public void Netgroups_and_solaris_network_markers_are_refused(string input) => AssertRefused(input, "'@'");

    [Theory]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%2")]
    [InlineData("fe80::%eth0/64")]
    public void IPv6_zone_ids_are_refused(string input) => AssertRefused(input, "zone id");

    [Theory]
    [InlineData("::ffff:1.2.3.4", "write it as 1.2.3.4")]
    [InlineData("::ffff:c000:0201", "write it as 192.0.2.1")]
    [InlineData("::1.2.3.4", "write it as 1.2.3.4")]
    public void IPv4_written_as_IPv6_is_refused_with_the_IPv4_form(string input, string hint) => AssertRefused(input, hint);

    [Theory]
    [InlineData("2001:db8::1::2")]
    [InlineData("2001:db8:::1")]
    [InlineData("12345::1")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData(":")]
    [InlineData("2001:db8")]
    public void Malformed_IPv6_is_refused(string input) => AssertRefused(input, "is not an IPv6 address or network");

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.0.0.0/32")]
    [InlineData("::")]
    public void The_unspecified_address_is_refused_pointing_to_the_everyone_network(string input) =>
        AssertRefused(input, "to allow every client use 0.0.0.0/0 (IPv4) or ::/0 (IPv6)");

    [Fact]
    public void Very_long_input_is_refused_without_echoing_all_of_it()
    {
        var error = AssertRefused(new string('1', 500), "too long");
        Assert.True(error.Length < 300);
    }

    [Fact]
    public void Parse_throws_FormatException_with_the_same_sentence()
    {
        AccessTarget.TryParse("10.0.0.1/24", out var expected);
        var error = Assert.Throws<FormatException>(() => AccessTarget.Parse("10.0.0.1/24"));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Every_refusal_is_one_sentence_that_quotes_the_input()
    {
        string[] inputs = ["nfs.example.com", "999.1.1.1", "10.1", "010.0.0.1", "10.0.0.0/33", "10.0.0.1/24", "a;b", "fe80::1%eth0", "*"];
        foreach (var input in inputs)
        {
            var error = AssertRefused(input, "");
            Assert.Contains($"'{input}'", error, StringComparison.Ordinal);
            Assert.Matches(@"[.?]\z", error);
            Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("198.51.100.0/24", "198.51.100.0/24", true)]
    [InlineData("198.51.100.0/24", "198.51.100.255", true)]
    [InlineData("198.51.100.0/24", "198.51.100.128/25", true)]
    [InlineData("198.51.100.0/24", "198.51.0.0/16", false)]
    [InlineData("198.51.100.0/24", "198.51.101.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.5", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::/48", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("203.0.113.5", "203.0.113.5", true)]
    public void A_network_contains_the_addresses_and_narrower_networks_of_its_own_family(string network, string other, bool contains) =>
        Assert.Equal(contains, AccessTarget.Parse(network).Contains(AccessTarget.Parse(other)));

    private static string AssertRefused(string? input, string reason)
    {
        var target = AccessTarget.TryParse(input, out var error);
        Assert.Null(target);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        return error;
    }
}
