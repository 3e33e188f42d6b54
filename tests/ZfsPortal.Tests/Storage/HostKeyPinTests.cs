using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class HostKeyPinTests
{
    private const string Presented = "ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og";

    [Theory]
    [InlineData(Presented)]
    [InlineData("SHA256:" + Presented)]
    [InlineData("sha256:" + Presented)]
    [InlineData(Presented + "=")]
    [InlineData("  SHA256:" + Presented + "=  ")]
    public void Matches_accepts_the_ssh_keygen_and_ssh_net_forms(string pinned) =>
        Assert.True(HostKeyPin.Matches(pinned, Presented));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("SHA256:")]
    [InlineData("OHD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og")]
    [InlineData("AAAAVZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og")]
    public void Matches_refuses_an_empty_or_different_pin(string? pinned) =>
        Assert.False(HostKeyPin.Matches(pinned, Presented));

    [Theory]
    [InlineData(Presented, true)]
    [InlineData("SHA256:" + Presented + "=", true)]
    [InlineData("not-a-fingerprint", false)]
    [InlineData("ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6O", false)]
    public void IsWellFormed_checks_for_32_bytes_of_base64(string fingerprint, bool expected) =>
        Assert.Equal(expected, HostKeyPin.IsWellFormed(fingerprint));
}
