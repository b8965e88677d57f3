using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FedGan.PrivacyAccountant.Tests;

/// <summary>One replica of the real PrivacyAccountant service, on the test run's real Redis.</summary>
public sealed class PrivacyAccountantHost(string redisConnectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
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
