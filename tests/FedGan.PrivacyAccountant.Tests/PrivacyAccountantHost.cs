using System.Net.Http.Headers;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace FedGan.PrivacyAccountant.Tests;

/// <summary>
/// One replica of the real PrivacyAccountant service, on the test run's real Redis. Its clients
/// call as a coordinator unless a test says otherwise.
/// </summary>
public sealed class PrivacyAccountantHost(string redisConnectionString) : WebApplicationFactory<Program>
{
    public TestTokens Tokens { get; } = new();

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        builder.ConfigureTestServices(Tokens.Register);
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Coordinator());
    }
}

/// <summary>A real redis-server for the whole test class, and a service replica on it.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public PrivacyAccountantHost Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Service = new PrivacyAccountantHost(Redis.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
