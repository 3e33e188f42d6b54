using System.Net;
using System.Text.RegularExpressions;

namespace ZfsPortal.Testing;

/// <summary>Signs a client in through the portal's real sign-in form (antiforgery token included), as a browser does.</summary>
internal static partial class PortalSignIn
{
    /// <summary>The client keeps the cookie; a refused sign-in throws with the status and where it was sent.</summary>
    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = "/shares", ["__RequestVerificationToken"] = token,
        });
        using var response = await client.PostAsync(new Uri("/account/login", UriKind.Relative), body);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/shares")
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
