using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>What a service says about itself at <c>GET /info</c>: name, version and the state of its stores.</summary>
public sealed record ServiceInfo(string Service, string Version, string Status, IReadOnlyList<DependencyStatus> Dependencies);

public sealed record DependencyStatus(string Name, string Status);

public static class ServiceInfoEndpoint
{
    /// <summary>
    /// Maps <c>GET /info</c>. Unlike /health it is meant to be reached through the gateway, so it
    /// names each check and its state but never exception details. It is anonymous on purpose
    /// (see docs/design.md, "Access control"): monitors and edge trainers check reachability with it
    /// before they hold a token, and it reveals only names, the version and health states.
    /// </summary>
    public static IEndpointConventionBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints, string serviceName)
    {
        var version = Assembly.GetEntryAssembly()?
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

        return endpoints.MapGet("/info", async (HealthCheckService health, CancellationToken cancellationToken) =>
            {
                var report = await health.CheckHealthAsync(cancellationToken);
                var dependencies = report.Entries
                    .Where(entry => entry.Key != "self")
                    .Select(entry => new DependencyStatus(entry.Key, entry.Value.Status.ToString()))
                    .ToList();
                return TypedResults.Ok(new ServiceInfo(serviceName, version, report.Status.ToString(), dependencies));
            })
            .WithName("GetServiceInfo")
            .WithSummary("The service's name, version and the health of its stores.")
            .WithTags("Service")
            .AllowAnonymous();
    }
}
