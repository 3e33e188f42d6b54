using Microsoft.AspNetCore.Diagnostics;

namespace ZfsPortal.Hosting;

/// <summary>The page a browser gets instead of a stack trace or a bare status (Components/ErrorPage).</summary>
public static class ErrorPages
{
    public static WebApplication UseErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            // Only on HTTPS requests (and never for localhost): a browser that saw it refuses plain HTTP to this host.
            app.UseHsts();
        }
        // A status without a body (a 404 above all) gets the page too, in every environment; not the APIs, whose
        // clients read JSON (Manila's own bodies) and would choke on a page.
        app.UseStatusCodePagesWithReExecute("/error/{0}", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (IsApi(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(context);
        });
        // Both re-execute the failed request with its own method, and Blazor takes a re-executed POST for a form posted to
        // the error page, refused 400 without a word when its antiforgery token is not the page's (a POST to an address
        // that takes none, answered 405). The error page is only read: it is rendered as a GET.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IExceptionHandlerFeature>() is not null || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
                context.Request.Method = HttpMethods.Get;
            return next(context);
        });
        return app;
    }

    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/v2", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/identity", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
