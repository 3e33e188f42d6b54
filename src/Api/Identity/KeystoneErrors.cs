namespace ZfsPortal.Api.Identity;

/// <summary>Keystone's error bodies (<c>{"error": {"code": 401, "title": "Unauthorized", "message": …}}</c>), which OpenStack clients read.</summary>
public static class KeystoneErrors
{
    public static IResult Unauthorized(string message = "The request you have made requires authentication.") =>
        new WithChallenge(Error(401, "Unauthorized", message));

    public static IResult BadRequest(string message) => Error(400, "Bad Request", message);
    public static IResult Forbidden(string message) => Error(403, "Forbidden", message);
    public static IResult NotFound(string message) => Error(404, "Not Found", message);

    private static IResult Error(int code, string title, string message) =>
        Results.Json(new { error = new { code, title, message } }, statusCode: code);

    /// <summary>Keystone names itself on a 401, as the token handler's challenge does.</summary>
    private sealed class WithChallenge(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.WWWAuthenticate = "Keystone uri=\"/identity/v3\"";
            return inner.ExecuteAsync(http);
        }
    }
}
