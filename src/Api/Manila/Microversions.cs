using ZfsPortal.Features.Account;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// Manila's microversion negotiation (manila/api/openstack/wsgi.py): no header means 2.0, "latest" the maximum, a
/// version outside 2.0–2.72 is refused with 406; every answer names the version it speaks and varies on the header.
/// </summary>
public sealed class Microversions : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var asked = http.Request.Headers[ManilaRequest.VersionHeader].ToString();
        ApiVersion version;
        if (string.IsNullOrWhiteSpace(asked))
            version = ApiVersion.Min;
        else if (ApiVersion.TryParse(asked) is { } parsed)
            version = parsed;
        else
            return ManilaErrors.BadRequest($"API Version String {Shorten(asked)} is of invalid format. Must be of format MajorNum.MinorNum.");
        http.Response.Headers[ManilaRequest.VersionHeader] = version.ToString();
        http.Response.Headers.Vary = ManilaRequest.VersionHeader;
        if (version < ApiVersion.Min || version > ApiVersion.Max)
            return ManilaErrors.NotAcceptable($"Version {version} is not supported by the API. Minimum is {ApiVersion.Min} and maximum is {ApiVersion.Max}.");

        var project = http.GetRouteValue("project_id") as string;
        new ManilaRequest(version, CurrentUser.From(http.User), BaseUrl(http.Request), project).Attach(http);
        return await next(context);
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20];
}
