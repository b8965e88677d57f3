using FedGan.Gateway.Edge;

namespace FedGan.Gateway.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Routes and clusters live in the ReverseProxy section; destinations are logical service
        // names resolved by service discovery, so the same table works locally and in a cluster.
        // Each route names its authorization policy: "anonymous" only for token, discovery and /info.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        builder.AddEdgeProtection();
    }
}
