using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>The usage reading's command and how its output is read.</summary>
public sealed class DatasetUsageTests
{
    [Fact]
    public void Several_datasets_are_read_in_one_portable_zfs_get_and_names_are_checked()
    {
        var zfs = new ZfsCommands(new BackendOptions { SudoPath = "/usr/bin/sudo", ZfsPath = "/usr/sbin/zfs" });

        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "used,refquota", "tank/s_1", "tank/s_2"],
            zfs.GetDatasetsUsage(["tank/s_1", "tank/s_2"]));
        Assert.Throws<ArgumentException>(() => zfs.GetDatasetsUsage(["tank/s_1", "tank/x;reboot"]));
        Assert.Throws<ArgumentException>(() => zfs.GetDatasetsUsage([]));
    }

    [Fact]
    public void Rows_with_both_numbers_are_kept_and_a_dataset_without_refquota_reads_zero()
    {
        const string output = "tank/s_1\tused\t1048576\ntank/s_1\trefquota\t5368709120\n" +
                              "tank/s_2\tused\t24576\ntank/s_2\trefquota\tnone\n" +
                              "tank/s_3\tused\t-\ntank/s_3\trefquota\t0\n";

        Assert.Equal([new DatasetUsage("tank/s_1", 1 << 20, 5L << 30), new DatasetUsage("tank/s_2", 24576, 0)], DatasetUsage.Parse(output));
        Assert.Empty(DatasetUsage.Parse("cannot open 'tank/gone': dataset does not exist"));
    }
}
