using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FedGan.Storage;

/// <summary>
/// Registers a <see cref="BlobServiceClient"/> from the connection string the AppHost (or a
/// deployment) names, with a readiness check that fails while the storage account is unreachable.
/// </summary>
public static class BlobStorageExtensions
{
    public static IHostApplicationBuilder AddBlobStorage(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set: the blob storage account to use is unknown.");
        }

        builder.Services.AddSingleton(_ => new BlobServiceClient(connectionString, new BlobClientOptions
        {
            // Fail fast: the health check and callers retry at a higher level.
            Retry = { MaxRetries = 2, NetworkTimeout = TimeSpan.FromSeconds(30) },
        }));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            services => new BlobStorageHealthCheck(services.GetRequiredService<BlobServiceClient>()),
            HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }
}
