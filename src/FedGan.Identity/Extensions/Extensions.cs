using FedGan.Identity.Bootstrap;
using FedGan.Identity.Clients;
using FedGan.Identity.Keys;
using FedGan.Identity.Tokens;
using FedGan.Storage;

namespace FedGan.Identity.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The AppHost names the Redis resource "redis"; the client integration adds its health check.
        builder.AddRedisStore("redis");

        builder.Services.AddOptions<IdentityOptions>()
            .BindConfigurationValidatedOnStart(IdentityOptions.SectionName);

        // Encrypts the signing keys' private parts at rest in Redis, with a secret every replica shares.
        builder.Services.AddSingleton<SigningKeyEncryption>();
        builder.Services.AddHealthChecks().AddCheck<SigningKeyHealthCheck>("signing-key");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecretHasher>();
        builder.Services.AddSingleton<ClientStore>();
        builder.Services.AddSingleton<ClientAuthenticator>();
        builder.Services.AddSingleton<Enrollment>();
        builder.Services.AddSingleton<SigningKeyRing>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        // Identity's own API checks tokens against its key ring directly (AddFedGanAuthentication keeps this).
        builder.Services.AddSingleton<IIssuerSigningKeySource, LocalSigningKeySource>();
        builder.Services.AddHostedService<IdentityStartup>();
    }
}
