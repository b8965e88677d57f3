using FedGan.Storage;

namespace FedGan.Identity.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The AppHost names the Redis resource "redis"; the client integration adds its health check.
        builder.AddRedisStore("redis");
    }
}
