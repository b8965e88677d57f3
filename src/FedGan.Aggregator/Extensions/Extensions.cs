using FedGan.Storage;

namespace FedGan.Aggregator.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Receipts of accepted updates live in Redis; the update bytes are staged in blobs.
        builder.AddRedisStore("redis");
        builder.AddBlobStorage("blobs");
    }
}
