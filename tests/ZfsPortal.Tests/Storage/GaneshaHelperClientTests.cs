using System.Globalization;
using ZfsPortal.Storage;
using ZfsPortal.Tests.Support;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// The ganesha NFS helper against NFS-Ganesha on a real host, proven by real NFS clients (libnfs over NFSv3), each in a
/// network namespace of its own with its own address (198.18.0.x) on the server namespace's bridge. What the portal
/// applies must be what a client's I/O finds: writes, refusals, squashing, networks, deny, copies and sizes.
/// </summary>
[Collection("ganesha-host")]
public sealed class GaneshaHelperClientTests(GaneshaHostFixture ganesha) : IAsyncLifetime
{
    private const int User = 1000;
    private const int Root = 0;
    private const int Anonymous = 65534;
    private readonly RecordingCommandLog _log = new();
    private readonly List<NfsClient> _clients = [];
    private IStorageHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ganesha.Open(_log);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    private async Task<NfsClient> ClientAsync(string address)
    {
        var client = await ganesha.ClientAsync(address);
        _clients.Add(client);
        return client;
    }

    private static NfsClientRule Rule(string target, NfsAccessLevel level, bool rootSquash = true) => new(AccessTarget.Parse(target), level, rootSquash);

    private static string StatOwner(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/stat") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("%u");
        start.ArgumentList.Add(file);
        using var stat = System.Diagnostics.Process.Start(start)!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }

    [Fact]
    public async Task Ganesha_helper_lets_an_rw_client_write_an_ro_client_only_read_and_refuses_an_outsider_at_mount()
    {
        var (dataset, path) = await ganesha.NewShareAsync(_host);
        var writer = await ClientAsync("198.18.0.11");
        var reader = await ClientAsync("198.18.0.12");
        var outsider = await ClientAsync("198.18.0.13");
        NfsClientRule[] rules = [Rule(writer.Address, NfsAccessLevel.ReadWrite), Rule(reader.Address, NfsAccessLevel.ReadOnly)];

        await _host.ApplyExportsAsync(new NfsExport(dataset, path, rules), default);

        // The daemon serves exactly the set, as the portal reads it back.
        Assert.Equal(rules.ToHashSet(), (await _host.ReadExportsAsync(path, default)).ToHashSet());
        var write = await writer.WriteAsync(path + "/hello.txt", "Hello World", User);
        Assert.True(write.Ok, write.Output);
        Assert.Equal("Hello World", await File.ReadAllTextAsync(path + "/hello.txt"));
        Assert.Equal(User.ToString(CultureInfo.InvariantCulture), StatOwner(path + "/hello.txt"));

        var read = await reader.ReadAsync(path + "/hello.txt");
        Assert.True(read.Ok, read.Output);
        Assert.Equal("Hello World", read.Output);
        var refusedWrite = await reader.WriteAsync(path + "/not-allowed.txt", "no", User);
        Assert.False(refusedWrite.Ok, refusedWrite.Output);
        Assert.Contains("NFS3ERR_ROFS", refusedWrite.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(path + "/not-allowed.txt"));

        var refusedMount = await outsider.ReadAsync(path + "/hello.txt");
        Assert.False(refusedMount.Ok, refusedMount.Output);
        Assert.Contains("MNT3ERR_ACCES", refusedMount.Output, StringComparison.Ordinal);

        // Applying the same set again changes nothing, and the share keeps its export id.
        var id = ganesha.ExportIdOf(path);
        var before = _log.Records.Count;
        await _host.ApplyExportsAsync(new NfsExport(dataset, path, rules), default);
        Assert.Single(_log.Records.Skip(before));
        Assert.Equal(id, ganesha.ExportIdOf(path));
    }

    [Fact]
    public async Task Ganesha_helper_squashes_a_root_client_to_the_anonymous_uid_unless_the_rule_says_no_root_squash()
    {
        var (dataset, path) = await ganesha.NewShareAsync(_host);
        var client = await ClientAsync("198.18.0.21");

        await _host.ApplyExportsAsync(new NfsExport(dataset, path, [Rule(client.Address, NfsAccessLevel.ReadWrite, rootSquash: true)]), default);
        var id = ganesha.ExportIdOf(path);
        var squashed = await client.WriteAsync(path + "/squashed.txt", "root", Root);
        Assert.True(squashed.Ok, squashed.Output);
        Assert.Equal(Anonymous.ToString(CultureInfo.InvariantCulture), StatOwner(path + "/squashed.txt"));

        await _host.ApplyExportsAsync(new NfsExport(dataset, path, [Rule(client.Address, NfsAccessLevel.ReadWrite, rootSquash: false)]), default);
        var asRoot = await client.WriteAsync(path + "/root.txt", "root", Root);
        Assert.True(asRoot.Ok, asRoot.Output);
        Assert.Equal("0", StatOwner(path + "/root.txt"));
        Assert.Equal(id, ganesha.ExportIdOf(path));
    }

    [Fact]
    public async Task Ganesha_helper_admits_a_client_inside_a_cidr_refuses_one_outside_and_refuses_it_once_denied()
    {
        var (dataset, path) = await ganesha.NewShareAsync(_host);
        await File.WriteAllTextAsync(path + "/data.txt", "inside");
        var inside = await ClientAsync("198.18.0.70");
        var outside = await ClientAsync("198.18.0.30");
        var network = Rule("198.18.0.64/26", NfsAccessLevel.ReadOnly);

        await _host.ApplyExportsAsync(new NfsExport(dataset, path, [network]), default);
        var id = ganesha.ExportIdOf(path);
        Assert.Equal("inside", (await inside.ReadAsync(path + "/data.txt")).Output);
        var refused = await outside.ReadAsync(path + "/data.txt");
        Assert.Contains("MNT3ERR_ACCES", refused.Output, StringComparison.Ordinal);

        // Deny: once the apply returns (when the portal reports the rule removed), the client is refused at once.
        await _host.ApplyExportsAsync(new NfsExport(dataset, path, []), default);
        var denied = await inside.ReadAsync(path + "/data.txt");
        Assert.False(denied.Ok, denied.Output);
        Assert.Contains("MNT3ERR_ACCES", denied.Output, StringComparison.Ordinal);
        Assert.Empty(await _host.ReadExportsAsync(path, default));

        // Allowed again, the share gets the export id it had.
        await _host.ApplyExportsAsync(new NfsExport(dataset, path, [network]), default);
        Assert.Equal(id, ganesha.ExportIdOf(path));
        Assert.True((await inside.ReadAsync(path + "/data.txt")).Ok);
    }

    [Fact]
    public async Task Ganesha_helper_serves_a_share_from_snapshot_to_its_client_and_the_new_size_after_extend_and_shrink()
    {
        var (source, sourcePath) = await ganesha.NewShareAsync(_host);
        await File.WriteAllTextAsync(sourcePath + "/snap.txt", "from the snapshot");
        var snapshot = source + "@zfsportal_snap_test";
        await _host.CreateSnapshotAsync(snapshot, default);
        await File.WriteAllTextAsync(sourcePath + "/snap.txt", "changed after it");
        var copy = $"{GaneshaHostFixture.PoolName}/{StorageHostFixture.TestDatasetPrefix}{Guid.NewGuid():N}";
        await _host.CopyFromSnapshotAsync(snapshot, copy, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        var copyPath = "/" + copy;
        var client = await ClientAsync("198.18.0.41");

        await _host.ApplyExportsAsync(new NfsExport(copy, copyPath, [Rule(client.Address, NfsAccessLevel.ReadWrite)]), default);
        Assert.Equal("from the snapshot", (await client.ReadAsync(copyPath + "/snap.txt")).Output);
        Assert.InRange(await client.TotalBytesAsync(copyPath), (1L << 30) - (16L << 20), 1L << 30);

        await _host.SetPropertiesAsync(copy, new Dictionary<string, string> { ["refquota"] = "2G" }, default);
        Assert.InRange(await client.TotalBytesAsync(copyPath), (2L << 30) - (16L << 20), 2L << 30);
        await _host.SetPropertiesAsync(copy, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        Assert.InRange(await client.TotalBytesAsync(copyPath), (1L << 30) - (16L << 20), 1L << 30);
    }

    [Fact]
    public async Task Ganesha_helper_fails_the_apply_with_the_reason_of_ganesha_s_crit_line()
    {
        var (dataset, path) = await ganesha.NewShareAsync(_host);
        var (_, otherPath) = await ganesha.NewShareAsync(_host);
        var client = await ClientAsync("198.18.0.51");
        // An export made by hand on the host that claims the share's path as its NFSv4 pseudo path.
        var handmade = Path.Combine(ganesha.ExportsDir, "handmade.conf");
        await File.WriteAllTextAsync(handmade,
            $"EXPORT {{ Export_Id = 7; Path = \"{otherPath}\"; Pseudo = \"{path}\"; FSAL {{ Name = VFS; }} CLIENT {{ Clients = 198.18.0.99; Access_Type = RO; }} }}\n");
        try
        {
            var failed = await Assert.ThrowsAsync<StorageHostException>(() =>
                _host.ApplyExportsAsync(new NfsExport(dataset, path, [Rule(client.Address, NfsAccessLevel.ReadWrite)]), default));
            Assert.Equal(StorageFailure.CommandFailed, failed.Failure);
            Assert.Contains($"NFS-Ganesha refused the export of {path}: Pseudo path ({path}) is a duplicate", failed.Message, StringComparison.Ordinal);
            Assert.Contains("MNT3ERR_ACCES", (await client.ReadAsync(path + "/")).Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(handmade);
        }

        await _host.ApplyExportsAsync(new NfsExport(dataset, path, [Rule(client.Address, NfsAccessLevel.ReadWrite)]), default);
        Assert.True((await client.ListAsync(path)).Ok);
    }

    [Fact]
    public async Task Ganesha_helper_preflight_reaches_the_daemon_and_names_the_sudoers_fix_for_a_wrong_program()
    {
        using var pool = new SshConnectionPool();
        var probe = new SshBackendProbe(pool, TimeProvider.System);

        var report = await probe.PreflightAsync(ganesha.Backend, default);
        Assert.True(report.Passed, string.Join("\n", report.Checks.Select(c => $"{c.Name}: {c.Outcome} {c.Detail} {c.Fix}")));
        Assert.Contains("reaches NFS-Ganesha 4.", report[PreflightStep.NfsHelper].Detail, StringComparison.Ordinal);

        var wrong = ganesha.Backend;
        wrong.GaneshaPath = "/usr/local/sbin/zfsportal-ganesha-nobody";
        var broken = await probe.PreflightAsync(wrong, default);
        var check = broken[PreflightStep.NfsHelper];
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains($"NOPASSWD: {wrong.GaneshaPath}", check.Fix, StringComparison.Ordinal);
    }
}
