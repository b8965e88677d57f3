using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FedGan.Gateway.Edge;

/// <summary>The gateway's protections, in the order a request meets them.</summary>
public static class EdgeProtection
{
    public static IHostApplicationBuilder AddEdgeProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .BindConfigurationValidatedOnStart(GatewayOptions.SectionName);
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        builder.Services.AddHttpsRedirection(https => https.RedirectStatusCode = StatusCodes.Status308PermanentRedirect);
        builder.Services.AddClientRateLimits();

        // Routes decide, each explicitly (checked below): an unknown path is then a plain 404 rather
        // than the 401 the services' fallback policy would give.
        builder.Services.Configure<AuthorizationOptions>(authorization => authorization.FallbackPolicy = null);
        RequireExplicitRoutePolicies(builder.Configuration.GetSection("ReverseProxy:Routes"));
        return builder;
    }

    /// <summary>A route without a policy would be silently anonymous: refuse to start instead.</summary>
    private static void RequireExplicitRoutePolicies(IConfigurationSection routes)
    {
        var unprotected = routes.GetChildren().Where(route => string.IsNullOrWhiteSpace(route["AuthorizationPolicy"])).Select(route => route.Key).ToList();
        if (unprotected.Count > 0)
        {
            throw new InvalidOperationException(
                $"Gateway routes without an AuthorizationPolicy: {string.Join(", ", unprotected)}. Set \"default\" (a valid token) or \"anonymous\".");
        }
    }

    /// <summary>
    /// HTTPS, headers and body caps first; then who is calling (authentication), how often
    /// (rate limits: refused and anonymous requests count too), and whether they may (authorization).
    /// </summary>
    public static WebApplication UseEdgeProtection(this WebApplication app)
    {
        var requireHttps = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.RequireHttps ?? !app.Environment.IsDevelopment();
        if (requireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<RequestBodyLimits>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }
}
