using System.Diagnostics;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

[Collection("storage-host")]
public sealed class HostKeyPinningTests(StorageHostFixture host)
{
    private readonly RecordingCommandLog _log = new();

    [Fact]
    public async Task A_wrong_pin_is_refused_and_both_fingerprints_are_shown()
    {
        var backend = host.Backend;
        var real = HostKeyPin.Normalize(backend.HostKeySha256);
        backend.HostKeySha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log, backend).GetPoolCapacityAsync(host.Pool, default));

        Assert.Equal(StorageFailure.HostKeyNotTrusted, error.Failure);
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256:" + real, error.Message, StringComparison.Ordinal);
        Assert.Empty(_log.Records);
        Assert.Equal(0, host.Connections.OpenConnections(backend));
    }

    [Fact]
    public async Task An_empty_pin_is_refused_and_the_presented_fingerprint_is_shown_for_pinning()
    {
        var backend = host.Backend;
        var real = HostKeyPin.Normalize(backend.HostKeySha256);
        backend.HostKeySha256 = "";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log, backend).GetDatasetPropertiesAsync(host.Pool, ["used"], default));

        Assert.Equal(StorageFailure.HostKeyNotTrusted, error.Failure);
        Assert.Contains("not pinned", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256:" + real, error.Message, StringComparison.Ordinal);
        Assert.Empty(_log.Records);
        Assert.Equal(0, host.Connections.OpenConnections(backend));
    }

    [Fact]
    public async Task A_pin_written_as_ssh_keygen_prints_it_is_accepted()
    {
        var backend = host.Backend;
        backend.HostKeySha256 = "SHA256:" + HostKeyPin.Normalize(backend.HostKeySha256) + "=";

        Assert.NotNull(await host.Open(_log, backend).GetDatasetPropertiesAsync(host.Pool, ["used"], default));
    }

    [Fact]
    public async Task A_key_the_host_does_not_know_is_an_authentication_failure()
    {
        var dir = Directory.CreateTempSubdirectory("zfsportal-key-").FullName;
        try
        {
            var key = Path.Combine(dir, "id_ed25519");
            using (var keygen = Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])!)
            {
                await keygen.WaitForExitAsync();
            }

            var backend = host.Backend;
            backend.PrivateKeyPath = key;

            var error = await Assert.ThrowsAsync<StorageHostException>(
                () => host.Open(_log, backend).GetPoolCapacityAsync(host.Pool, default));

            Assert.Equal(StorageFailure.AuthenticationFailed, error.Failure);
            Assert.Contains("authorized_keys", error.Message, StringComparison.Ordinal);
            Assert.Empty(_log.Records);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
