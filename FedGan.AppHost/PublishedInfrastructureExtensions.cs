using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>The stores as a cloud deployment (azd, Azure Container Apps) provisions them.</summary>
public static class PublishedInfrastructureExtensions
{
    /// <summary>The official Redis image, pinned to the same version as k8s/base.</summary>
    public const string RedisImage = "library/redis";
    public const string RedisTag = "7.2.5";

    /// <summary>
    /// Redis with append-only persistence on a volume, every write fsynced before Redis replies: it holds
    /// the privacy ledger, round state and revocations, which RDB snapshots alone could lose by the minute
    /// and everysec could lose too (docs/reliability.md).
    /// </summary>
    public static IResourceBuilder<PublishedRedisResource> AddPublishedRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 48, Special = false },
            secret: true, persist: true);
        return builder.AddResource(new PublishedRedisResource(name, password.Resource))
            .WithImage(RedisImage, RedisTag)
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 6379, name: PublishedRedisResource.EndpointName, scheme: "tcp")
            // The password reaches redis-server from the environment, not from the manifest's arguments.
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithEntrypoint("/bin/sh")
            .WithArgs("-c", "exec redis-server --requirepass \"$REDIS_PASSWORD\" --appendonly yes --appendfsync always --dir /data")
            .WithVolume($"{name}-data", "/data");
    }
}
