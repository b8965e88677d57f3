extern alias registry;

using FedGan.Aggregator.Registry;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FedGan.Aggregator.Bench;

/// <summary>The real ModelRegistry on the bench's Azurite (and Redis, for its revocation check), accepting tokens <paramref name="tokens"/> signs.</summary>
internal sealed class RegistryHost(string redis, string blobs, TestTokens tokens) : WebApplicationFactory<registry::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            tokens.Register(services);
            tokens.RegisterServiceCredential(services, "modelregistry");
        });
    }
}

/// <summary>The real Aggregator on the bench's Redis and Azurite, calling the in-process registry with its own service token.</summary>
internal sealed class AggregatorHost(string redis, string blobs, TestTokens tokens, RegistryHost registryHost) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("Aggregator:ModelRegistryUrl", "http://modelregistry");
        builder.UseSetting("Aggregator:ServerNoiseSecret", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        // stdout carries the one JSON result: the services log warnings only.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            tokens.Register(services);
            tokens.RegisterServiceCredential(services, "aggregator");
            services.AddHttpClient<ModelRegistryClient>().ConfigurePrimaryHttpMessageHandler(registryHost.Server.CreateHandler);
        });
    }
}
