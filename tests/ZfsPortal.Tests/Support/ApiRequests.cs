using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>One request to the portal's APIs as a client sends it: a token, Manila's microversion, a JSON body.</summary>
internal static class ApiRequests
{
    public static async Task<HttpResponseMessage> SendAsync(TestPortal portal, HttpMethod method, string path, string? token, string? body = null,
        string version = "2.72", string? subject = null)
    {
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
            request.Headers.Add("X-Auth-Token", token);
        if (subject is not null)
            request.Headers.Add("X-Subject-Token", subject);
        request.Headers.Add("X-OpenStack-Manila-API-Version", version);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
