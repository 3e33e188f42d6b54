using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>Posting the portal's plain HTML forms as a browser does (antiforgery token included), from a chosen address.</summary>
internal static partial class PortalForms
{
    public const string AddressHeader = "X-Test-Client-Address";

    /// <summary>
    /// The in-memory test server gives requests no client address; this takes it from <see cref="AddressHeader"/>, so
    /// a test can send attempts from several addresses. Registered through <c>PortalLookups.Start(services:)</c>.
    /// </summary>
    public static void AddressFromHeader(IServiceCollection services) => services.AddSingleton<IStartupFilter, AddressFilter>();

    /// <summary>A client with its own cookies whose requests come from <paramref name="address"/>.</summary>
    public static HttpClient Client(TestPortal portal, string address)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    /// <summary>One sign-in attempt through the form; returns where the portal sends the browser.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        using var response = await PostAsync(client, "/account/login", new()
        {
            ["email"] = email, ["password"] = password, ["returnUrl"] = "/shares",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>Loads <paramref name="page"/> for its antiforgery token, then posts <paramref name="fields"/> to it.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, Dictionary<string, string> fields, string? formPage = null)
    {
        var form = await client.GetStringAsync(new Uri(formPage ?? page, UriKind.Relative));
        fields["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri(page, UriKind.Relative), body);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    private sealed class AddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, rest) =>
            {
                if (http.Request.Headers[AddressHeader].ToString() is { Length: > 0 } address)
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return rest(http);
            });
            next(app);
        };
    }
}
