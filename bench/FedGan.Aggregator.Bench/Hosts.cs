extern alias registry;

using FedGan.Aggregator.Registry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedGan.Aggregator.Bench;

/// <summary>The real ModelRegistry on the bench's Azurite, logging warnings only.</summary>
internal sealed class RegistryHost(string blobs) : WebApplicationFactory<registry::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
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
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
            services.AddHttpClient<ModelRegistryClient>().ConfigurePrimaryHttpMessageHandler(registryHost.Server.CreateHandler));
    }
}
