extern alias identity;

using System.Security.Cryptography;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FedGan.EdgeTrainer.Tests;

/// <summary>
/// The real Identity service on a real Redis, listening on a real port (the check builds its own
/// HTTP stack, so it must reach Identity over a socket), with one bootstrap site client.
/// </summary>
public sealed class IdentityOnKestrel : IAsyncLifetime
{
    public const string SiteId = "hospital-check";

    private RedisServer _redis = null!;
    private Factory _factory = null!;

    public string SiteSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public int Port { get; } = FreePort.Next();

    public string TokenEndpoint => $"http://127.0.0.1:{Port}/connect/token";

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _factory = new Factory(_redis.ConnectionString, SiteSecret);
        _factory.UseKestrel(Port);
        _factory.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private sealed class Factory(string redis, string siteSecret) : WebApplicationFactory<identity::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:redis", redis);
            // Required by Identity once its signing keys are encrypted at rest (ignored where they are not).
            builder.UseSetting("Identity:SigningKeyEncryptionKey", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting($"Identity:BootstrapClients:{SiteId}:Role", "site");
            builder.UseSetting($"Identity:BootstrapClients:{SiteId}:Secret", siteSecret);
        }
    }
}
