using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace FedGan.Storage;

public static class RedisStoreExtensions
{
    /// <summary>
    /// The Redis client by the AppHost's resource name (with its health check), connected while the
    /// service starts rather than by the first request: a first connect under a burst of requests
    /// stalls on a small thread pool.
    /// </summary>
    public static IHostApplicationBuilder AddRedisStore(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.AddRedisClient(connectionName);
        builder.Services.AddHostedService<RedisConnectionWarmup>();
        return builder;
    }

    private sealed class RedisConnectionWarmup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            // Connecting does not fail when Redis is down (abortConnect=false); it keeps retrying.
            Task.Run(() => services.GetRequiredService<IConnectionMultiplexer>(), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
