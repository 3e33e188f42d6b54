using System.Net;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

/// <summary>Portal:ServePages and Portal:RunJobs: a node can serve pages only or run jobs only (docs/adr/0024).</summary>
public sealed class NodeRolesTests
{
    [Fact]
    public async Task A_jobs_only_node_serves_no_page_or_api_and_says_where_the_portal_is()
    {
        await using var portal = new TestPortal(LocalBackend.Read(LocalBackend.DefaultPath()), "Jobs-only-Passw0rd!",
            new Dictionary<string, string?> { ["Portal:ServePages"] = "false" });
        using var http = portal.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var path in new[] { "/shares", "/account/login", "/v2/shares", "/hangfire" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("runs jobs only (Portal:ServePages is false)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_node_that_would_neither_serve_pages_nor_run_jobs_refuses_to_start()
    {
        var portal = new TestPortal(LocalBackend.Read(LocalBackend.DefaultPath()), "Idle-node-Passw0rd!",
            new Dictionary<string, string?> { ["Portal:ServePages"] = "false", ["Portal:RunJobs"] = "false" });
        var ex = Assert.ThrowsAny<Exception>(() => portal.Services);
        Assert.Contains("Portal:RunJobs and Portal:ServePages are both false", ex.ToString(), StringComparison.Ordinal);
        portal.Dispose();
    }
}
