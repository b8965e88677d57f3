using System.Net.Http.Headers;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace FedGan.Gateway.Tests;

/// <summary>
/// The real gateway with its real configuration (routes, limits), its revocation check on a real
/// Redis, and <see cref="TestTokens"/> as the issuer. No service runs behind it: these tests are about
/// what the gateway refuses before anything is forwarded.
/// </summary>
public sealed class GatewayHost(string redisConnectionString, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public TestTokens Tokens { get; } = new();

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(Tokens.Register);
    }
}

public sealed class GatewayFixture : IAsyncLifetime
{
    public const int Burst = 5;

    public RedisServer Redis { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Gateway = new GatewayHost(Redis.ConnectionString, new Dictionary<string, string>
        {
            ["Gateway:AuthenticatedRateLimit:TokenLimit"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // One token an hour: nothing refills during a test.
            ["Gateway:AuthenticatedRateLimit:TokensPerPeriod"] = "1",
            ["Gateway:AuthenticatedRateLimit:ReplenishmentPeriod"] = "01:00:00",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
