using FedGan.Deployment.Tests.Manifests;
using FedGan.Testing;

namespace FedGan.Deployment.Tests.Containers;

/// <summary>
/// k8s/base started on a <see cref="PodmanCluster"/> as an operator would: Secrets created first
/// (test values, see the brief's shared names), the stores (StatefulSets) up, then every
/// Deployment. Blob storage is a real Azurite on the host, listening on the network's gateway
/// address so that containers reach it by IP (Azurite needs an IP, not a host name, in the URL).
/// </summary>
public sealed class PlatformStack : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly AzuriteServer? _azurite;

    private PlatformStack(PodmanCluster cluster, RenderedKustomization manifests, AzuriteServer? azurite)
    {
        Cluster = cluster;
        Manifests = manifests;
        _azurite = azurite;
    }

    public PodmanCluster Cluster { get; }

    public RenderedKustomization Manifests { get; }

    /// <summary>The gateway's port 8080 as the host reaches it (the ingress, in a cluster).</summary>
    public Uri GatewayAddress => Cluster.Started.Single(c => c.Workload == "gateway").Address
        ?? throw new ManifestException("the gateway has no readiness port to reach it on");

    public static async Task<PlatformStack> StartAsync(PodmanCluster cluster, RenderedKustomization manifests)
    {
        cluster.AddConfigMaps(manifests);
        var redisPassword = cluster.Secret("fedgan-stores", "redis-password");
        cluster.SetSecret("fedgan-stores", "redis", $"redis:6379,password={redisPassword}");

        AzuriteServer? azurite = null;
        try
        {
            // Stores first: the bridge exists once a container is on it, and Azurite binds to it.
            var stores = new List<StartedContainer>();
            foreach (var workload in manifests.Workloads.Where(w => w.Kind == "StatefulSet"))
            {
                stores.AddRange(await cluster.StartAsync(workload, Aliases(manifests, workload)));
            }

            await cluster.WaitUntilReadyAsync(stores, ReadyTimeout);
            azurite = await AzuriteServer.StartAsync(cluster.HostAddress);
            cluster.SetSecret("fedgan-stores", "blobs", azurite.ConnectionString);

            var services = new List<StartedContainer>();
            foreach (var workload in manifests.Workloads.Where(w => w.Kind != "StatefulSet"))
            {
                services.AddRange(await cluster.StartAsync(workload, Aliases(manifests, workload)));
            }

            await cluster.WaitUntilReadyAsync(services, ReadyTimeout);
            return new PlatformStack(cluster, manifests, azurite);
        }
        catch
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The names a workload's pods answer to: the Services selecting them (ports must match, as aliases cannot remap).</summary>
    public static IReadOnlyList<string> Aliases(RenderedKustomization manifests, Workload workload)
    {
        var services = manifests.ServicesFor(workload);
        foreach (var service in services)
        {
            foreach (var (port, target) in service.Ports)
            {
                var targetPort = workload.Containers.Where(c => !c.Init)
                    .Select(c => int.TryParse(target, out var number) ? number : c.Ports.GetValueOrDefault(target))
                    .FirstOrDefault(p => p != 0);
                if (targetPort != port)
                {
                    throw new NotSupportedException(
                        $"Service {service.Name} maps port {port} to {target}; the test's network aliases cannot remap ports");
                }
            }
        }

        return services.Select(s => s.Name).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
