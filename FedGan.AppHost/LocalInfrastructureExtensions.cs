using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Runs the stores as local executables: the stack must come up where no container engine exists
/// (developer laptops, CI, hospital machines).
/// </summary>
public static class LocalInfrastructureExtensions
{
    /// <summary>Adds a real <c>redis-server</c> with append-only persistence (fsync before every reply) under the data directory.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var command = builder.Configuration["Infrastructure:RedisServer"]
            ?? LocalTools.FindOnPath("redis-server")
            ?? throw new DistributedApplicationException(
                "redis-server was not found on PATH. Run build/run.sh (it installs it) or set Infrastructure:RedisServer.");
        var dataDirectory = LocalTools.DataDirectory(builder, name);

        var redis = builder.AddResource(new LocalRedisResource(name, command, dataDirectory))
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                var endpoint = ((LocalRedisResource)context.Resource).PrimaryEndpoint;
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                // The privacy ledger and round state live here: every write is appended to the AOF and
                // fsynced before Redis replies, the policy k8s and Azure Container Apps use too. With
                // everysec a killed Redis lost acknowledged writes (docs/reliability.md); the ledger's few
                // writes per round cost nothing to fsync.
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
                context.Args.Add("--appendfsync");
                context.Args.Add("always");
                // No RDB snapshots: with appendonly on, Redis loads only the AOF on start, so a
                // dump.rdb would be an older second copy nobody reads, and each snapshot forks Redis.
                context.Args.Add("--save");
                context.Args.Add(string.Empty);
                context.Args.Add("--dir");
                context.Args.Add(dataDirectory);
            });

        var healthCheckKey = $"{name}_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new RedisPingHealthCheck(redis.Resource.PrimaryEndpoint),
            failureStatus: null,
            tags: null));
        return redis.WithHealthCheck(healthCheckKey);
    }

    /// <summary>Adds Azurite's blob service from the npm package installed by build/run.sh.</summary>
    public static IResourceBuilder<LocalAzuriteResource> AddLocalAzuriteBlobs(this IDistributedApplicationBuilder builder, string name)
    {
        var command = builder.Configuration["Infrastructure:AzuriteBlob"]
            ?? LocalTools.FindInRepository(builder, ".fedgan/tools/node_modules/.bin/azurite-blob")
            ?? LocalTools.FindOnPath("azurite-blob")
            ?? throw new DistributedApplicationException(
                "azurite-blob was not found. Run build/run.sh (it installs Azurite from npm) or set Infrastructure:AzuriteBlob.");
        var dataDirectory = LocalTools.DataDirectory(builder, name);

        // The SDK decodes the key as base64: 64 alphanumeric characters are valid base64.
        var accountKey = builder.AddParameter($"{name}-account-key", new GenerateParameterDefault
        {
            MinLength = 64,
            Special = false,
        }, secret: true, persist: true);

        var blobPort = LocalTools.FreePort();
        var azurite = builder.AddResource(new LocalAzuriteResource(name, command, dataDirectory, accountKey.Resource))
            // Not behind DCP's proxy, on a port chosen now: it stays the same when Azurite is stopped
            // and started again, and the connection string can name 127.0.0.1 (see LocalAzuriteResource).
            .WithHttpEndpoint(name: LocalAzuriteResource.EndpointName, port: blobPort, targetPort: blobPort, isProxied: false)
            .WithEnvironment("AZURITE_ACCOUNTS", ReferenceExpression.Create($"{LocalAzuriteResource.AccountName}:{accountKey.Resource}"))
            .WithArgs(context =>
            {
                var endpoint = ((LocalAzuriteResource)context.Resource).BlobEndpoint;
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--location");
                context.Args.Add(dataDirectory);
                // Azure.Storage.Blobs speaks a newer service version than Azurite accepts.
                context.Args.Add("--skipApiVersionCheck");
                // Without this Azurite tries to reach the internet.
                context.Args.Add("--disableTelemetry");
                context.Args.Add("--silent");
            });

        var healthCheckKey = $"{name}_tcp";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new TcpHealthCheck(azurite.Resource.BlobEndpoint),
            failureStatus: null,
            tags: null));
        return azurite.WithHealthCheck(healthCheckKey);
    }
}
