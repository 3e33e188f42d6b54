using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account.ApiTokens;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Manila;

/// <summary>How the Manila API refuses: Manila's status codes and fault bodies, before anything changes.</summary>
[Collection("storage-host")]
public sealed class ManilaApiErrorTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-manila-http-");
    private TestPortal _portal = null!;
    private string _tenantToken = "", _adminToken = "";

    public async Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data, runJobs: false);
        _tenantToken = await ManilaCli.TokenAsync(_portal, TestPortal.TenantEmail);
        _adminToken = await ManilaCli.TokenAsync(_portal, TestPortal.AdminEmail);
    }

    [Fact]
    public async Task The_root_answers_a_client_with_the_versions_and_300()
    {
        using var client = _portal.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MultipleChoices, response.StatusCode);
        var version = (await Json(response)).GetProperty("versions")[0];
        Assert.Equal("v2.0", version.GetProperty("id").GetString());
        Assert.Equal("2.72", version.GetProperty("version").GetString());
        Assert.Equal("2.0", version.GetProperty("min_version").GetString());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.73")]
    [InlineData("3.0")]
    public async Task A_microversion_outside_2_0_to_2_72_is_not_acceptable(string version)
    {
        using var response = await SendAsync(HttpMethod.Get, "/v2/shares", _tenantToken, version: version);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("Minimum is 2.0 and maximum is 2.72", await Fault(response, "computeFault"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_negotiated_version_is_echoed_and_varied_on()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v2/shares", _tenantToken, version: "2.45");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2.45", response.Headers.GetValues("X-OpenStack-Manila-API-Version").Single());
        Assert.Contains("X-OpenStack-Manila-API-Version", response.Headers.Vary);
        using var malformed = await SendAsync(HttpMethod.Get, "/v2/shares", _tenantToken, version: "two");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task No_unknown_revoked_or_expired_token_gets_in()
    {
        using (var none = await SendAsync(HttpMethod.Get, "/v2/shares", token: null))
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using (var unknown = await SendAsync(HttpMethod.Get, "/v2/shares", "zfsp_not-a-real-token"))
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        var tenant = await ManilaCli.UserAsync(_portal.Services, TestPortal.TenantEmail);
        var tokens = _portal.Get<ApiTokenService>();
        var revoked = await tokens.CreateAsync(tenant, "to-revoke", null);
        Assert.True((await tokens.RevokeAsync(tenant, revoked.Result.Id!.Value)).Succeeded);
        using (var response = await SendAsync(HttpMethod.Get, "/v2/shares", revoked.Secret))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var expiring = await tokens.CreateAsync(tenant, "to-expire", DateTime.UtcNow.AddDays(1));
        await using (var db = await _portal.Db.CreateDbContextAsync())
            await db.ApiTokens.Where(t => t.Id == expiring.Result.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        using (var response = await SendAsync(HttpMethod.Get, "/v2/shares", expiring.Secret))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_secret_is_stored_only_as_its_hash()
    {
        await using var db = await _portal.Db.CreateDbContextAsync();
        var stored = await db.ApiTokens.AsNoTracking().ToListAsync();
        Assert.Contains(stored, t => t.SecretHash == ApiTokenSecrets.Hash(_tenantToken));
        Assert.DoesNotContain(stored, t => t.SecretHash.Contains(_tenantToken, StringComparison.Ordinal) || t.Hint == _tenantToken);
    }

    [Fact]
    public async Task Bad_json_and_unknown_attributes_are_bad_requests()
    {
        using (var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenantToken, "{\"share\": {"))
            Assert.Contains("Malformed", await Fault(response, "badRequest"), StringComparison.Ordinal);
        using (var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenantToken,
                   """{"share": {"size": 1, "share_proto": "NFS", "name": "x", "colour": "blue"}}"""))
            Assert.Contains("'colour'", await Fault(response, "badRequest"), StringComparison.Ordinal);
        using (var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenantToken, """{"sahre": {}}"""))
            Assert.Contains("'share'", await Fault(response, "badRequest"), StringComparison.Ordinal);
        await using var db = await _portal.Db.CreateDbContextAsync();
        Assert.False(await db.Shares.AnyAsync());
    }

    [Fact]
    public async Task Another_projects_share_and_project_read_as_not_found_by_id_and_by_name()
    {
        var (other, share) = await OtherProjectShareAsync();
        using (var response = await SendAsync(HttpMethod.Get, $"/v2/shares/{share}", _tenantToken))
            Assert.Contains("could not be found", await Fault(response, "itemNotFound"), StringComparison.Ordinal);
        using (var response = await SendAsync(HttpMethod.Post, $"/v2/shares/{share}/action", _tenantToken, """{"extend": {"new_size": 2}}"""))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        foreach (var project in new[] { other.Id.ToString(), other.Name })
            using (var response = await SendAsync(HttpMethod.Get, $"/v2/{project}/shares", _tenantToken))
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using (var listing = await SendAsync(HttpMethod.Get, "/v2/shares/detail?all_tenants=1", _tenantToken))
            Assert.Empty((await Json(listing)).GetProperty("shares").EnumerateArray());
        using (var admin = await SendAsync(HttpMethod.Get, "/v2/shares/detail?all_tenants=1", _adminToken))
            Assert.Single((await Json(admin)).GetProperty("shares").EnumerateArray());
    }

    [Fact]
    public async Task An_action_on_a_share_in_the_wrong_state_is_a_conflict()
    {
        var share = await DemoShareAsync(ShareStatus.AwaitingApproval);
        using var response = await SendAsync(HttpMethod.Post, $"/v2/shares/{share}/action", _tenantToken, """{"extend": {"new_size": 3}}""");
        Assert.Contains("awaiting_approval", await Fault(response, "conflictingRequest"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_quota_is_over_limit_and_only_admins_set_quotas()
    {
        using (var tenant = await SendAsync(HttpMethod.Put, $"/v2/quota-sets/{TestPortal.DemoProject}", _tenantToken, """{"quota_set": {"gigabytes": 1}}"""))
            Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        using (var admin = await SendAsync(HttpMethod.Put, $"/v2/quota-sets/{TestPortal.DemoProject}", _adminToken, """{"quota_set": {"gigabytes": 1}}"""))
            Assert.Equal(1, (await Json(admin)).GetProperty("quota_set").GetProperty("gigabytes").GetInt32());
        using var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenantToken,
            """{"share": {"size": 2, "share_proto": "NFS", "name": "big", "share_type": null, "snapshot_id": null, "metadata": {}}}""");
        Assert.Contains("quota", await Fault(response, "overLimit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_may_not_create_share_types_or_list_services()
    {
        using (var response = await SendAsync(HttpMethod.Post, "/v2/types", _tenantToken,
                   """{"share_type": {"name": "mine", "extra_specs": {"driver_handles_share_servers": false}}}"""))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using (var response = await SendAsync(HttpMethod.Get, "/v2/services", _tenantToken))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_share_that_needs_approval_answers_awaiting_approval()
    {
        await using (var db = await _portal.Db.CreateDbContextAsync())
            await db.ShareTypes.ExecuteUpdateAsync(s => s.SetProperty(t => t.Approval, ApprovalPolicy.Always));
        using var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenantToken,
            """{"share": {"size": 1, "share_proto": "NFS", "name": "asked"}}""", version: "2.72");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("awaiting_approval", (await Json(response)).GetProperty("share").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Each_write_endpoint_refuses_bad_bodies_wrong_states_and_other_projects_before_anything_changes()
    {
        var waiting = await DemoShareAsync(ShareStatus.AwaitingApproval);
        var available = await DemoShareAsync(ShareStatus.Available, "kept");
        var (_, theirs) = await OtherProjectShareAsync();
        Guid snapshot;
        await using (var db = await _portal.Db.CreateDbContextAsync())
        {
            var share = await db.Shares.SingleAsync(s => s.Id == available);
            var taken = new Snapshot { ShareId = available, ProjectId = share.ProjectId, Name = "held", SizeGiB = 1, Status = SnapshotStatus.Available };
            db.Snapshots.Add(taken);
            await db.SaveChangesAsync();
            snapshot = taken.Id;
        }

        var refusals = new (HttpMethod Method, string Path, string? Body, string Token, int Status, string Fault)[]
        {
            (HttpMethod.Post, "/v2/snapshots", "{\"snapshot\": ", _tenantToken, 400, "badRequest"),
            (HttpMethod.Post, "/v2/snapshots", $$$"""{"snapshot": {"share_id": "{{{available}}}", "colour": "blue"}}""", _tenantToken, 400, "badRequest"),
            (HttpMethod.Post, "/v2/snapshots", $$$"""{"snapshot": {"share_id": "{{{waiting}}}", "force": false, "name": "s1", "description": null}}""", _tenantToken, 409, "conflictingRequest"),
            (HttpMethod.Post, "/v2/snapshots", $$$"""{"snapshot": {"share_id": "{{{theirs}}}", "force": false, "name": "s1", "description": null}}""", _tenantToken, 404, "itemNotFound"),
            (HttpMethod.Put, $"/v2/shares/{available}", """{"share": {"colour": "blue"}}""", _tenantToken, 400, "badRequest"),
            (HttpMethod.Put, $"/v2/shares/{theirs}", """{"share": {"display_name": "mine"}}""", _tenantToken, 404, "itemNotFound"),
            (HttpMethod.Delete, $"/v2/shares/{available}", null, _tenantToken, 409, "conflictingRequest"),
            (HttpMethod.Delete, $"/v2/shares/{theirs}", null, _tenantToken, 404, "itemNotFound"),
            (HttpMethod.Post, $"/v2/shares/{waiting}/action", """{"allow_access": {"access_type": "ip", "access_to": "192.0.2.7"}}""", _tenantToken, 409, "conflictingRequest"),
            (HttpMethod.Post, $"/v2/shares/{available}/action", """{"allow_access": {"access_type": "user", "access_to": "alice"}}""", _tenantToken, 400, "badRequest"),
            (HttpMethod.Post, $"/v2/shares/{available}/action", """{"shrink": {"new_size": "small"}}""", _tenantToken, 400, "badRequest"),
            (HttpMethod.Post, $"/v2/shares/{available}/action", """{"extend": {"new_size": 1000}}""", _tenantToken, 413, "overLimit"),
            (HttpMethod.Post, "/v2/types", "{\"share_type\": [", _adminToken, 400, "badRequest"),
            (HttpMethod.Post, "/v2/types", """{"share_type": {"name": "dhss", "extra_specs": {"driver_handles_share_servers": true}}}""", _adminToken, 400, "badRequest"),
            (HttpMethod.Put, $"/v2/quota-sets/{TestPortal.DemoProject}", """{"quota_set": {"gigabytes": "lots"}}""", _adminToken, 400, "badRequest"),
            (HttpMethod.Put, $"/v2/quota-sets/{Guid.NewGuid()}", """{"quota_set": {"gigabytes": 5}}""", _adminToken, 404, "itemNotFound"),
        };
        foreach (var (method, path, body, token, status, fault) in refusals)
        {
            using var response = await SendAsync(method, path, token, body);
            Assert.True((int)response.StatusCode == status, $"{method} {path} {body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotEmpty(await Fault(response, fault));
        }

        await using var check = await _portal.Db.CreateDbContextAsync();
        Assert.Equal(ShareStatus.Available, (await check.Shares.SingleAsync(s => s.Id == available)).Status);
        Assert.Equal(1, (await check.Shares.SingleAsync(s => s.Id == available)).SizeGiB);
        Assert.Equal("theirs", (await check.Shares.SingleAsync(s => s.Id == theirs)).Name);
        Assert.Single(await check.Snapshots.ToListAsync());
        Assert.Empty(await check.AccessRules.ToListAsync());
        Assert.DoesNotContain(await check.ShareTypes.ToListAsync(), t => t.Name == "dhss");
        Assert.Empty(await check.Operations.ToListAsync());
        Assert.Equal(snapshot, (await check.Snapshots.SingleAsync()).Id);
    }

    private async Task<(Project Project, Guid Share)> OtherProjectShareAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync();
        var project = new Project { Name = "other" };
        db.Projects.Add(project);
        var type = await db.ShareTypes.FirstAsync();
        var share = new Share { ProjectId = project.Id, Name = "theirs", ShareTypeId = type.Id, SizeGiB = 1, Status = ShareStatus.Available };
        db.Shares.Add(share);
        await db.SaveChangesAsync();
        return (project, share.Id);
    }

    [Fact]
    public async Task Revert_is_an_action_from_2_27_and_only_to_the_shares_latest_snapshot()
    {
        var share = await DemoShareAsync(ShareStatus.Available);
        Guid older;
        await using (var db = await _portal.Db.CreateDbContextAsync())
        {
            var row = await db.Shares.SingleAsync(s => s.Id == share);
            var first = new Snapshot { ShareId = share, ProjectId = row.ProjectId, Name = "older", Status = SnapshotStatus.Available, CreatedAt = DateTime.UtcNow.AddHours(-1) };
            db.Snapshots.AddRange(first, new Snapshot { ShareId = share, ProjectId = row.ProjectId, Name = "newer", Status = SnapshotStatus.Available });
            await db.SaveChangesAsync();
            older = first.Id;
        }
        var body = Revert(older);

        using (var before = await SendAsync(HttpMethod.Post, $"/v2/shares/{share}/action", _tenantToken, body, version: "2.26"))
            Assert.Contains("There is no such action: revert", await Fault(before, "badRequest"), StringComparison.Ordinal);
        using (var response = await SendAsync(HttpMethod.Post, $"/v2/shares/{share}/action", _tenantToken, body))
            Assert.Contains("Only the latest snapshot can be reverted to, and 'newer' was taken after older", await Fault(response, "conflictingRequest"), StringComparison.Ordinal);
        using (var other = await SendAsync(HttpMethod.Post, $"/v2/shares/{share}/action", _tenantToken, Revert(Guid.NewGuid())))
            Assert.Contains("does not exist", await Fault(other, "itemNotFound"), StringComparison.Ordinal);
    }

    private static string Revert(Guid snapshot) => "{\"revert\": {\"snapshot_id\": \"" + snapshot + "\"}}";

    private async Task<Guid> DemoShareAsync(ShareStatus status, string name = "waiting")
    {
        await using var db = await _portal.Db.CreateDbContextAsync();
        var project = await db.Projects.SingleAsync(p => p.Name == TestPortal.DemoProject);
        var share = new Share { ProjectId = project.Id, Name = name, ShareTypeId = (await db.ShareTypes.FirstAsync()).Id, SizeGiB = 1, Status = status };
        db.Shares.Add(share);
        await db.SaveChangesAsync();
        return share.Id;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null, string version = "2.72") =>
        ApiRequests.SendAsync(_portal, method, path, token, body, version);

    private static Task<JsonElement> Json(HttpResponseMessage response) => ApiRequests.Json(response);

    /// <summary>The message of Manila's fault body, after checking its name and code.</summary>
    private static async Task<string> Fault(HttpResponseMessage response, string name)
    {
        var fault = (await Json(response)).GetProperty(name);
        Assert.Equal((int)response.StatusCode, fault.GetProperty("code").GetInt32());
        return fault.GetProperty("message").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
