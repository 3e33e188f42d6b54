using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares;

public sealed class DatasetAndExportTests
{
    [Fact]
    public void Dataset_names_come_from_the_share_id_only()
    {
        var id = Guid.Parse("0b7c4a1e-2f3d-4c5b-8a9e-1f2a3b4c5d6e");

        Assert.Equal("trank/manila_share_0b7c4a1e_2f3d_4c5b_8a9e_1f2a3b4c5d6e", DatasetNames.ForShare("trank", "manila_share_", id));
    }

    [Fact]
    public void The_size_is_set_as_refquota_and_creation_options_cannot_override_portal_controlled_properties()
    {
        var backend = new BackendOptions
        {
            DatasetCreationOptions = new() { ["compression"] = "lz4", ["quota"] = "1T", ["sharenfs"] = "on", ["mountpoint"] = "/evil" },
        };
        var type = new Dictionary<string, string>
        {
            ["compression"] = "gzip", ["atime"] = "off", ["REFQUOTA"] = "1T", ["readonly"] = "on", ["setuid"] = "on", ["devices"] = "on",
        };

        var properties = DatasetProperties.ForNewShare(backend, type, 5);

        Assert.Equal(new Dictionary<string, string>
        {
            ["compression"] = "gzip", ["atime"] = "off", ["refquota"] = "5G", ["setuid"] = "off", ["devices"] = "off",
        }, properties);
    }

    [Theory]
    [InlineData("setuid")]
    [InlineData("devices")]
    public void A_share_type_cannot_turn_setuid_or_devices_on(string property)
    {
        Assert.Contains($"The portal keeps {property}=off on every share", ZfsPortal.Features.ShareTypes.DatasetPropertyRules.Refuse(property, "on"), StringComparison.Ordinal);
        Assert.Null(ZfsPortal.Features.ShareTypes.DatasetPropertyRules.Refuse(property, "off"));
    }

    [Theory]
    [InlineData("192.0.2.4", "/trank/share", "192.0.2.4:/trank/share")]
    [InlineData("2001:db8::0:1", "/trank/share", "[2001:db8::1]:/trank/share")]
    [InlineData("192.0.2.4 ", "/p/s", "192.0.2.4:/p/s")]
    public void Export_locations_reprint_the_address_canonically(string ip, string mountpoint, string expected) =>
        Assert.Equal(expected, ExportLocations.Nfs(ip, mountpoint));

    [Fact]
    public void The_mount_command_uses_a_safe_directory_derived_from_the_share_name() =>
        Assert.Equal("sudo mkdir -p /mnt/my_vol__x_ && sudo mount -t nfs 192.0.2.4:/p/s /mnt/my_vol__x_",
            ExportLocations.LinuxMountCommand("192.0.2.4:/p/s", "my vol $x;"));
}
