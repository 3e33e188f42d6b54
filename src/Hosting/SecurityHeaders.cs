using System.Security.Cryptography;

namespace ZfsPortal.Hosting;

/// <summary>
/// The headers every response carries. The CSP admits what Blazor Server and MudBlazor need and no more: scripts are
/// the portal's own files (Blazor Server runs no eval; only WebAssembly would need 'wasm-unsafe-eval') plus the one
/// inline script, Blazor's import map, by this response's nonce; inline styles, which MudBlazor writes (its theme is a
/// style element, sizes and positions are style attributes); the circuit's WebSocket back to this origin.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "zfsportal.csp-nonce";

    /// <summary>The nonce this response's CSP admits, for the page to put on its one inline script.</summary>
    public static string Nonce(HttpContext http) => http.Items[NonceKey] as string ?? "";

    public static string ContentSecurityPolicy(string nonce) => string.Join("; ",
        "default-src 'self'",
        $"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        // CSP 3 lets 'self' match ws:/wss: to this host and port; "ws: wss:" would admit sockets to any host.
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");

    /// <summary>First in the pipeline. Written as the response starts, so error pages (the handler clears headers) keep them.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            // Hex, a subset of the nonce alphabet that HTML attributes need not escape (Blazor would write '+' as &#x2B;).
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            http.Items[NonceKey] = nonce;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                // Share ids and project names in the portal's URLs are nobody else's business.
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(http);
        });
}
