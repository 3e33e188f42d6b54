namespace ZfsPortal.Api.Manila;

/// <summary>The versions document (manila/api/views/versions.py): 300 at the root, 200 at /v2.</summary>
public static class ManilaVersions
{
    public static object Document(HttpRequest request) => new Dictionary<string, object>
    {
        ["versions"] = new[] { V2(request) },
    };

    private static Dictionary<string, object> V2(HttpRequest request) => new()
    {
        ["id"] = "v2.0",
        ["status"] = "CURRENT",
        ["version"] = ApiVersion.Max.ToString(),
        ["min_version"] = ApiVersion.Min.ToString(),
        ["updated"] = "2015-08-27T11:33:21Z",
        ["links"] = new object[]
        {
            new Dictionary<string, string> { ["rel"] = "describedby", ["type"] = "text/html", ["href"] = "https://docs.openstack.org/" },
            new Dictionary<string, string> { ["rel"] = "self", ["href"] = $"{Microversions.BaseUrl(request)}/v2/" },
        },
        ["media-types"] = new object[]
        {
            new Dictionary<string, string> { ["base"] = "application/json", ["type"] = "application/vnd.openstack.share+json;version=1" },
        },
    };

    /// <summary>
    /// The root is also the portal's home page: a browser (asking for HTML) gets the page, a client asking for JSON
    /// (the manila client's first request) gets the versions, with Manila's 300.
    /// </summary>
    public static IApplicationBuilder UseManilaVersionsAtRoot(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path == "/" && !request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            await Results.Json(Document(request), statusCode: StatusCodes.Status300MultipleChoices).ExecuteAsync(http);
            return;
        }
        await next(http);
    });
}
