using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The stores, chosen by where the AppHost runs: local processes when running on a machine (no
/// container engine needed), and deployable resources when publishing to the cloud (Redis as a
/// container with append-only persistence, the blob account as a connection string the deployment supplies).
/// </summary>
public static class StoreExtensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisStore(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddPublishedRedis(name)
            : builder.AddLocalRedis(name);

    public static IResourceBuilder<IResourceWithConnectionString> AddBlobStore(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddConnectionString(name)
            : builder.AddLocalAzuriteBlobs(name);
}
