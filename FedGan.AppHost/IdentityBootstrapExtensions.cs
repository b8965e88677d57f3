using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Gives the local stack its credentials on first start, never committed: a generated secret
/// parameter (persisted in the AppHost's user secrets) for the coordinator, each service that calls
/// another (<c>callers</c>) and each simulated site. Identity gets them as bootstrap clients (it stores only hashes); each resource gets
/// its own as <c>ServiceCredential</c> (sites: <c>EdgeTrainer:ClientSecret</c>). Callers and <c>tokenCheckers</c> (services that only answer calls) get Identity (JWKS) and Redis (revocations).
/// </summary>
public static class IdentityBootstrapExtensions
{
    public const string CoordinatorClientId = "coordinator";
    public const string CoordinatorSecretParameter = "identity-coordinator-secret";

    /// <returns>The coordinator's secret, for resources that act as the coordinator (the demo study).</returns>
    public static IResourceBuilder<ParameterResource> AddPlatformCredentials(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> identity,
        IResourceBuilder<IResourceWithConnectionString> redis,
        IReadOnlyList<IResourceBuilder<ProjectResource>> callers,
        IReadOnlyList<IResourceBuilder<ProjectResource>> tokenCheckers,
        IReadOnlyList<IResourceBuilder<ProjectResource>> sites)
    {
        var coordinatorSecret = builder.AddGeneratedSecret(CoordinatorSecretParameter);
        identity.WithBootstrapClient(CoordinatorClientId, "coordinator", coordinatorSecret);

        foreach (var service in callers)
        {
            var secret = builder.AddGeneratedSecret($"{service.Resource.Name}-client-secret");
            identity.WithBootstrapClient(service.Resource.Name, "service", secret);
            service.WithServiceCredential(service.Resource.Name, secret)
                .WithTokenValidation(identity, redis);
        }

        foreach (var checker in tokenCheckers)
        {
            checker.WithTokenValidation(identity, redis);
        }

        foreach (var site in sites)
        {
            var secret = builder.AddGeneratedSecret($"{site.Resource.Name}-client-secret");
            identity.WithBootstrapClient(site.Resource.Name, "site", secret);
            // Sites are outside the platform: their edge config names only the gateway, which also
            // serves their tokens (EdgeTrainer:Gateway + /identity/connect/token); the site id is the client id.
            site.WithEnvironment("EdgeTrainer__ClientSecret", secret);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            started.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FedGan.Identity").LogInformation(
                "Coordinator credential: client id '{ClientId}'; its secret is the parameter '{Parameter}' (dashboard: Parameters, "
                + "or `dotnet user-secrets list --project FedGan.AppHost`). Then: FEDGAN_GATEWAY=<gateway URL> FEDGAN_CLIENT_ID={ClientId} "
                + "FEDGAN_CLIENT_SECRET=<secret> fedgan sites list",
                CoordinatorClientId, CoordinatorSecretParameter, CoordinatorClientId);
            return Task.CompletedTask;
        });
        return coordinatorSecret;
    }

    /// <summary>
    /// The secret Identity encrypts its signing keys with in Redis (generated once, kept in user
    /// secrets), so the keys survive restarts of the stack and Redis alone does not hold them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSigningKeyEncryptionKey(this IResourceBuilder<ProjectResource> identity) =>
        identity.WithEnvironment("Identity__SigningKeyEncryptionKey",
            identity.ApplicationBuilder.AddGeneratedSecret($"{identity.Resource.Name}-signing-key-encryption"));

    /// <summary>48 random letters and digits (about 285 bits), generated once and kept in user secrets.</summary>
    private static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

    private static void WithBootstrapClient(this IResourceBuilder<ProjectResource> identity, string clientId, string role,
        IResourceBuilder<ParameterResource> secret) =>
        identity
            .WithEnvironment($"Identity__BootstrapClients__{clientId}__Role", role)
            .WithEnvironment($"Identity__BootstrapClients__{clientId}__Secret", secret);

    private static IResourceBuilder<ProjectResource> WithServiceCredential(this IResourceBuilder<ProjectResource> resource, string clientId,
        IResourceBuilder<ParameterResource> secret) =>
        resource
            .WithEnvironment("ServiceCredential__ClientId", clientId)
            .WithEnvironment("ServiceCredential__ClientSecret", secret);

    /// <summary>JWKS by service discovery from Identity, revocation markers from Redis.</summary>
    private static IResourceBuilder<ProjectResource> WithTokenValidation(this IResourceBuilder<ProjectResource> resource,
        IResourceBuilder<ProjectResource> identity, IResourceBuilder<IResourceWithConnectionString> redis)
    {
        foreach (var dependency in new IResourceBuilder<IResource>[] { identity, redis })
        {
            if (!resource.Resource.Annotations.OfType<WaitAnnotation>().Any(wait => wait.Resource == dependency.Resource))
            {
                resource.WaitFor(dependency);
            }
        }

        return resource.WithReference(identity).WithReference(redis);
    }
}
