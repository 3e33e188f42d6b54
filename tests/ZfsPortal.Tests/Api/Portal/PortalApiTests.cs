using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Portal;

/// <summary>
/// The portal's own API (/api/v1) and its OpenAPI document: approvals through the approvals service, operations with
/// their steps and host commands, backends with their health; Manila's list paging; the reference page.
/// </summary>
[Collection("storage-host")]
public sealed class PortalApiTests(StorageHostFixture host) : IAsyncLifetime
{
    private static readonly string[] Healths = ["up", "down", "unknown"];
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-portal-api-");
    private TestPortal _portal = null!;
    private string _tenant = "", _admin = "";

    public async Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data, runJobs: false);
        _tenant = await ManilaCli.TokenAsync(_portal, TestPortal.TenantEmail);
        _admin = await ManilaCli.TokenAsync(_portal, TestPortal.AdminEmail);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_portal_manila_and_keystone_endpoints()
    {
        using var client = _portal.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/approvals", "/api/v1/operations/{id}", "/api/v1/backends", "/api/v1/drift", "/v2/shares", "/v2/shares/{id}/action",
                     "/v2/quota-sets/{project}", "/identity/v3/auth/tokens" })
            Assert.Contains(path, paths);
        Assert.Equal("ZfsPortal API", document.GetProperty("info").GetProperty("title").GetString());

        using var browser = await _portal.SignedInClientAsync(TestPortal.TenantEmail);
        var page = await browser.GetStringAsync(new Uri("/api-reference", UriKind.Relative));
        Assert.Contains("/api/v1/operations/{id}", page, StringComparison.Ordinal);
        Assert.Contains("Make a token from a password", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_approves_and_rejects_through_the_api_and_a_tenant_may_not()
    {
        await using (var db = await _portal.Db.CreateDbContextAsync())
            await db.ShareTypes.ExecuteUpdateAsync(s => s.SetProperty(t => t.Approval, ApprovalPolicy.Always));
        var first = await CreateShareAsync("asked-1");
        var second = await CreateShareAsync("asked-2");

        using (var tenant = await SendAsync(HttpMethod.Get, "/api/v1/approvals", _tenant))
            Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        using (var listed = await SendAsync(HttpMethod.Get, "/api/v1/approvals", _admin))
            Assert.Equal(2, (await Json(listed)).GetArrayLength());
        using (var approved = await SendAsync(HttpMethod.Post, $"/api/v1/approvals/{first}/approve", _admin))
            Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        using (var noReason = await SendAsync(HttpMethod.Post, $"/api/v1/approvals/{second}/reject", _admin, """{"reason": ""}"""))
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using (var rejected = await SendAsync(HttpMethod.Post, $"/api/v1/approvals/{second}/reject", _admin, """{"reason": "Use a smaller share."}"""))
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        using (var again = await SendAsync(HttpMethod.Post, $"/api/v1/approvals/{second}/approve", _admin))
            Assert.Equal(409, (await Json(again)).GetProperty("status").GetInt32());

        await using var check = await _portal.Db.CreateDbContextAsync();
        Assert.Equal(ShareStatus.Creating, (await check.Shares.SingleAsync(s => s.Id == first)).Status);
        Assert.Equal(ShareStatus.Rejected, (await check.Shares.SingleAsync(s => s.Id == second)).Status);

        // The approved share's operation, with its (not yet run) steps; another project's is not found for the tenant.
        using var operations = await SendAsync(HttpMethod.Get, "/api/v1/operations", _tenant);
        var operation = (await Json(operations)).GetProperty("operations").EnumerateArray().Single(o => o.GetProperty("shareId").GetGuid() == first);
        using var one = await SendAsync(HttpMethod.Get, $"/api/v1/operations/{operation.GetProperty("id").GetGuid()}", _tenant);
        Assert.Equal("Queued", (await Json(one)).GetProperty("state").GetString());
        using (var unknown = await SendAsync(HttpMethod.Get, $"/api/v1/operations/{Guid.NewGuid()}", _tenant))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Backends_are_listed_with_health_for_admins_only()
    {
        using (var tenant = await SendAsync(HttpMethod.Get, "/api/v1/backends", _tenant))
            Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        using (var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/backends", token: null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var admin = await SendAsync(HttpMethod.Get, "/api/v1/backends", _admin);
        var backend = (await Json(admin)).EnumerateArray().Single();
        Assert.Equal(host.Backend.Name, backend.GetProperty("name").GetString());
        Assert.Contains(backend.GetProperty("health").GetString(), Healths);
    }

    [Fact]
    public async Task Drift_findings_and_the_last_pass_are_listed_for_admins_only()
    {
        var at = DateTime.UtcNow.AddMinutes(-1);
        await using (var db = await _portal.Db.CreateDbContextAsync())
        {
            db.ReconcileRuns.Add(new ReconcileRun { BackendName = host.Backend.Name, StartedAt = at, DurationMs = 420, Trigger = "portal start", Findings = 1 });
            db.DriftFindings.Add(new DriftFinding
            {
                BackendName = host.Backend.Name, Kind = DriftKind.UnownedDataset, Dataset = "zfsportal/zfsportal_share_byhand", SizeBytes = 1L << 30,
                Message = "Dataset zfsportal/zfsportal_share_byhand is below the backend's prefix but no share owns it.", FirstFoundAt = at, LastFoundAt = at,
            });
            await db.SaveChangesAsync();
        }

        using (var tenant = await SendAsync(HttpMethod.Get, "/api/v1/drift", _tenant))
            Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        using var admin = await SendAsync(HttpMethod.Get, "/api/v1/drift", _admin);
        var backend = (await Json(admin)).EnumerateArray().Single(b => b.GetProperty("backend").GetString() == host.Backend.Name);
        Assert.Equal(("portal start", 1), (backend.GetProperty("lastPass").GetProperty("trigger").GetString(), backend.GetProperty("lastPass").GetProperty("findings").GetInt32()));
        var finding = backend.GetProperty("findings").EnumerateArray().Single();
        Assert.Equal(("UnownedDataset", "zfsportal/zfsportal_share_byhand"), (finding.GetProperty("kind").GetString(), finding.GetProperty("dataset").GetString()));
        Assert.Contains("no share owns it", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manila_lists_page_by_limit_offset_and_marker()
    {
        var ids = new List<Guid>();
        await using (var db = await _portal.Db.CreateDbContextAsync())
        {
            var project = await db.Projects.SingleAsync(p => p.Name == TestPortal.DemoProject);
            var type = await db.ShareTypes.FirstAsync();
            for (var i = 0; i < 5; i++)
            {
                var share = new Share { ProjectId = project.Id, Name = $"paged-{i}", ShareTypeId = type.Id, SizeGiB = 1, Status = ShareStatus.Available,
                    CreatedAt = DateTime.UtcNow.AddMinutes(-i) };
                db.Shares.Add(share);
                ids.Add(share.Id);
            }
            await db.SaveChangesAsync();
        }
        // Newest first: paged-0 … paged-4.
        Assert.Equal(ids[..2], await SharesAsync("/v2/shares?limit=2"));
        Assert.Equal(ids[1..3], await SharesAsync("/v2/shares/detail?limit=2&offset=1"));
        Assert.Equal(ids[3..], await SharesAsync($"/v2/shares?marker={ids[2]}"));
        using (var badMarker = await SendAsync(HttpMethod.Get, $"/v2/shares?marker={Guid.NewGuid()}", _tenant))
            Assert.Contains("not found", (await Json(badMarker)).GetProperty("badRequest").GetProperty("message").GetString(), StringComparison.Ordinal);
        using (var badLimit = await SendAsync(HttpMethod.Get, "/v2/shares?limit=-1", _tenant))
            Assert.Contains("limit param", (await Json(badLimit)).GetProperty("badRequest").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<Guid>> SharesAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, _tenant);
        return (await Json(response)).GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
    }

    private async Task<Guid> CreateShareAsync(string name)
    {
        using var response = await SendAsync(HttpMethod.Post, "/v2/shares", _tenant, $$$"""{"share": {"size": 1, "share_proto": "NFS", "name": "{{{name}}}"}}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await Json(response)).GetProperty("share").GetProperty("id").GetGuid();
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null) =>
        ApiRequests.SendAsync(_portal, method, path, token, body);

    private static Task<JsonElement> Json(HttpResponseMessage response) => ApiRequests.Json(response);

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
