extern alias registry;

using FedGan.Aggregator.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FedGan.Aggregator.Bench;

/// <summary>The real ModelRegistry on the bench's Azurite.</summary>
internal sealed class RegistryHost(string blobs) : WebApplicationFactory<registry::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}

/// <summary>The real Aggregator on the bench's Redis and Azurite, calling the in-process registry.</summary>
internal sealed class AggregatorHost(string redis, string blobs, RegistryHost registryHost) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("Aggregator:ModelRegistryUrl", "http://modelregistry");
        // stdout carries the one JSON result: the services log warnings only.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
            services.AddHttpClient<ModelRegistryClient>().ConfigurePrimaryHttpMessageHandler(registryHost.Server.CreateHandler));
    }
}
