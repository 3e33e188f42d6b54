using System.Net;
using System.Text.RegularExpressions;

namespace ZfsPortal.Testing;

/// <summary>Signs a client in through the portal's real sign-in form (antiforgery token included), as a browser does.</summary>
internal static partial class PortalSignIn
{
    /// <summary>The client keeps the cookie; a refused sign-in throws with the status and where it was sent.</summary>
    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        using var response = await PostAsync(client, email, password, "/shares");
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/shares")
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>
    /// Opens the form (at <c>/account/login?ReturnUrl=…</c>, as the cookie handler sends a visitor) and posts it with
    /// <paramref name="returnUrl"/>, as the form's hidden field carries it; the portal's answer, unread.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, string returnUrl)
    {
        var form = await client.GetStringAsync(new Uri($"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", UriKind.Relative));
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl, ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync(new Uri("/account/login", UriKind.Relative), body);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
