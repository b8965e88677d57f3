using FedGan.Contracts;
using FedGan.Contracts.Identity;
using FedGan.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Token checking for every FedGan service: JWTs from Identity, validated against its JWKS (found by
/// service discovery, cached, re-read on an unknown key id), its issuer, the <c>fedgan</c> audience,
/// lifetime and the revocation list; then the <see cref="FedGanPolicies"/> by role.
/// </summary>
public static class AuthenticationExtensions
{
    public static TBuilder AddFedGanAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<FedGanAuthenticationOptions>()
            .BindConfigurationValidatedOnStart(FedGanAuthenticationOptions.SectionName);

        var revocationStore = builder.Configuration[$"{FedGanAuthenticationOptions.SectionName}:RevocationStore"] ?? "redis";
        builder.AddKeyedRedisClient(revocationStore, settings =>
        {
            // Its own connection: the service's store health and traces are not this check's business.
            settings.DisableHealthChecks = true;
            settings.DisableTracing = true;
        });
        services.AddKeyedSingleton(CredentialRevocations.StoreKey,
            (provider, _) => provider.GetRequiredKeyedService<StackExchange.Redis.IConnectionMultiplexer>(revocationStore));
        services.AddSingleton<CredentialRevocations>();
        services.AddHostedService<RevocationStoreWarmup>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(JwksSigningKeySource.HttpClientName);
        // Identity registers its own key source (its key ring) before calling this.
        services.TryAddSingleton<IIssuerSigningKeySource, JwksSigningKeySource>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<FedGanAuthenticationOptions>, IIssuerSigningKeySource>((jwt, fedgan, keys) =>
                BearerTokenValidation.Configure(jwt, fedgan.Value, keys));

        FedGanPolicies.Add(services.AddAuthorizationBuilder());
        return builder;
    }
}
