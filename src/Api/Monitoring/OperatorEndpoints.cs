using System.Text.Json;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using ZfsPortal.Api.Authentication;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using StorageMetrics = ZfsPortal.Storage.StorageMetrics;

namespace ZfsPortal.Api.Monitoring;

/// <summary>
/// What an operator wires up first: <c>/healthz</c> (the process answers), <c>/readyz</c> (<see cref="ReadinessCheck"/>),
/// both anonymous and free of tenant data, and <c>/metrics</c> in Prometheus' format through OpenTelemetry, for admins
/// only (a signed-in admin, or an admin's API token in <c>X-Auth-Token</c>).
/// </summary>
public static class OperatorEndpoints
{
    public const string ReadyTag = "ready", MetricsPolicy = "metrics";

    public static IServiceCollection AddOperatorEndpoints(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ReadinessCheck>("portal", tags: [ReadyTag]);
        services.AddSingleton<PortalGauges>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, PortalGauges.CircuitCounter>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PortalGauges.MeterName, OperationMetrics.MeterName, StorageMetrics.MeterName)
            .AddPrometheusExporter());
        // The cookie first: its challenge redirects, and the token scheme's then turns the answer into a plain 401 for scrapers.
        services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, ApiTokenAuthenticationHandler.SchemeName)
            .RequireRole(Roles.Admin));
        return services;
    }

    public static WebApplication MapOperatorEndpoints(this WebApplication app)
    {
        // Created now, so the gauges exist before the first scrape.
        app.Services.GetRequiredService<PortalGauges>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsPolicy);
        return app;
    }

    /// <summary><c>{"status":"ready","checks":{…}}</c>; the status code (200 or 503) says the same.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.SelectMany(e => e.Value.Data).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var status = report.Status == HealthStatus.Healthy ? (checks.Count == 0 ? "up" : "ready") : "not ready";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status, checks }));
    }
}
