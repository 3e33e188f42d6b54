using System.Globalization;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Api.Manila;

/// <summary>What every Manila handler needs to know about its request: the negotiated microversion and who asks.</summary>
public sealed record ManilaRequest(ApiVersion Version, CurrentUser User, string BaseUrl, string? UrlProject)
{
    public const string VersionHeader = "X-OpenStack-Manila-API-Version";
    private const string ItemKey = "zfsportal.manila";

    public static ManilaRequest Of(HttpContext http) => (ManilaRequest)http.Items[ItemKey]!;

    internal void Attach(HttpContext http) => http.Items[ItemKey] = this;

    /// <summary>Manila's <c>links</c>: the v2 URL of the resource (self) and the unversioned one (bookmark).</summary>
    public object[] Links(string collection, Guid id)
    {
        var project = UrlProject is null ? "" : "/" + UrlProject;
        var path = string.Create(CultureInfo.InvariantCulture, $"{project}/{collection}/{id}");
        return [new { href = $"{BaseUrl}/v2{path}", rel = "self" }, new { href = $"{BaseUrl}{path}", rel = "bookmark" }];
    }

    public static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static string? Time(DateTime? at) => at is { } t ? Time(t) : null;
}
