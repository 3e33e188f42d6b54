using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

/// <summary>/healthz, /readyz and /metrics of a running portal on the real storage host.</summary>
[Collection("storage-host")]
public sealed class OperatorEndpointsTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-operator-");
    private string? _dataset;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A sample line of the series with every given label, whatever else it carries (OpenTelemetry adds its scope).</summary>
    private static void HasSeries(string body, string name, params string[] labels) =>
        Assert.True(body.Split('\n').Any(l => (l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)) && labels.All(x => l.Contains(x, StringComparison.Ordinal))),
            $"No {name} sample with {string.Join(", ", labels)} in:\n{body}");

    [Fact]
    public async Task Health_readiness_metrics_and_usage_follow_a_share_and_a_backend_that_goes_down()
    {
        using var portal = PortalLookups.Start(host, _data);
        var services = portal.Services;
        var checker = services.GetRequiredService<BackendHealthChecker>();
        using var anonymous = portal.CreateClient(new() { AllowAutoRedirect = false });
        await checker.CheckAllAsync(CancellationToken.None);

        Assert.Equal((HttpStatusCode.OK, """{"status":"up","checks":{}}"""), await GetAsync(anonymous, "/healthz"));
        var ready = await GetAsync(anonymous, "/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Contains("\"status\":\"ready\"", ready.Body, StringComparison.Ordinal);
        Assert.Contains("\"database\":\"ok\",\"migrations\":\"applied\"", ready.Body, StringComparison.Ordinal);
        Assert.Contains($"\"backend:{portal.Backend.Name}\":\"up\"", ready.Body, StringComparison.Ordinal);

        // A tenant's share, with a megabyte of data: an operation, host commands, and a usage reading through the guard.
        var project = await PortalLookups.DemoProjectAsync(services);
        var type = (await services.GetRequiredService<ShareTypeQueries>().ListForProjectAsync(project)).Single(t => t.IsDefault);
        var tenant = await PortalLookups.TenantAsync(services);
        var created = await services.GetRequiredService<CreateShareService>().CreateAsync(tenant, new CreateShareRequest(project, type.Id, "metered", null, "1"));
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Values));
        var share = await PortalLookups.WaitForShareAsync(services, created.Id!.Value, s => s.Status != ShareStatus.Creating, TimeSpan.FromSeconds(20));
        _dataset = share.Dataset;
        Assert.Equal(ShareStatus.Available, share.Status);
        // Random bytes, so compression cannot shrink them; zfs counts them in used once their transaction group is written.
        await StorageHostFixture.WriteFileAsync(share.Dataset!, "data.bin", RandomNumberGenerator.GetBytes(1 << 20));
        using (var sync = Process.Start("sync")!)
            await sync.WaitForExitAsync();
        await host.CommitOpenTransactionGroupAsync();
        UsageSample? sample = null;
        for (var tries = 0; tries < 40 && sample is not { UsedBytes: >= 1 << 20 }; tries++)
        {
            if (tries > 0)
                await Task.Delay(500);
            await checker.CheckAllAsync(CancellationToken.None);
            await using var db = await portal.Db.CreateDbContextAsync();
            // The latest of each: the portal's own monitor checks too, and a check may fall in the next 15 minutes.
            sample = await db.UsageSamples.AsNoTracking().Where(u => u.Subject == UsageSubject.Share && u.SubjectId == share.Id)
                .OrderByDescending(u => u.At).FirstAsync();
            Assert.Equal(sample.UsedBytes, (await db.UsageSamples.AsNoTracking().Where(u => u.Subject == UsageSubject.Project && u.SubjectId == project)
                .OrderByDescending(u => u.At).FirstAsync()).UsedBytes);
        }
        Assert.Equal(1L << 30, sample!.SizeBytes);
        Assert.True(sample.UsedBytes >= 1 << 20, $"used {sample.UsedBytes}");

        // Metrics: for admins only; a tenant's share, project and address never appear.
        Assert.NotEqual(HttpStatusCode.OK, (await GetAsync(anonymous, "/metrics")).Status);
        using (var member = await portal.SignedInClientAsync(TestPortal.TenantEmail))
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(member, "/metrics")).Status);
        using var admin = await portal.SignedInClientAsync(TestPortal.AdminEmail);
        var metrics = await GetAsync(admin, "/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        HasSeries(metrics.Body, "zfsportal_operations_total", "kind=\"CreateShare\"", "outcome=\"succeeded\"");
        HasSeries(metrics.Body, "zfsportal_operation_duration_seconds_bucket", "kind=\"CreateShare\"", "outcome=\"succeeded\"");
        HasSeries(metrics.Body, "zfsportal_host_command_duration_seconds_count", $"backend=\"{portal.Backend.Name}\"", "tool=\"zfs\"",
            "verb=\"create\"", "outcome=\"ok\"");
        HasSeries(metrics.Body, "zfsportal_backend_up", $"backend=\"{portal.Backend.Name}\"");
        HasSeries(metrics.Body, "zfsportal_operations_queued");
        HasSeries(metrics.Body, "zfsportal_operations_running");
        HasSeries(metrics.Body, "zfsportal_circuits_open");
        foreach (var secret in new[] { "metered", share.Dataset!, share.Id.ToString(), TestPortal.TenantEmail, "demo" })
        {
            Assert.DoesNotContain(secret, metrics.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, ready.Body, StringComparison.Ordinal);
        }

        // The backend stops answering (nothing listens on its new port): readiness turns false at the next check.
        await using (var db = await portal.Db.CreateDbContextAsync())
        {
            var backend = await db.Backends.SingleAsync(b => b.Settings.Name == portal.Backend.Name);
            backend.Settings.Port = 1;
            await db.SaveChangesAsync();
        }
        await checker.CheckAllAsync(CancellationToken.None);
        var down = await GetAsync(anonymous, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Contains($"\"status\":\"not ready\"", down.Body, StringComparison.Ordinal);
        Assert.Contains($"\"backend:{portal.Backend.Name}\":\"down\"", down.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/healthz")).Status);
    }

    [Fact]
    public async Task Readiness_turns_false_while_the_database_cannot_be_opened_and_back_once_it_can()
    {
        using var portal = PortalLookups.Start(host, _data, runJobs: false);
        using var anonymous = portal.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Contains("\"database\":\"ok\"", (await GetAsync(anonymous, "/readyz")).Body, StringComparison.Ordinal);

        // The data folder is gone (an unmounted disk): open connections are closed, new ones cannot open the file.
        var away = _data.FullName + "-away";
        Directory.Move(_data.FullName, away);
        try
        {
            SqliteConnection.ClearAllPools();
            var down = await GetAsync(anonymous, "/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
            Assert.Contains("\"database\":\"unreachable\"", down.Body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/healthz")).Status);
        }
        finally
        {
            Directory.Move(away, _data.FullName);
        }
        Assert.Contains("\"database\":\"ok\"", (await GetAsync(anonymous, "/readyz")).Body, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataset is not null)
            await host.DestroyDatasetAsync(_dataset);
        _data.Delete(recursive: true);
    }
}
