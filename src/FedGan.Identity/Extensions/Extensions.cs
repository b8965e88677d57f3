using FedGan.Identity.Bootstrap;
using FedGan.Identity.Clients;
using FedGan.Identity.Keys;
using FedGan.Identity.Tokens;
using FedGan.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace FedGan.Identity.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The AppHost names the Redis resource "redis"; the client integration adds its health check.
        builder.AddRedisStore("redis");

        builder.Services.AddOptions<IdentityOptions>()
            .BindConfigurationValidatedOnStart(IdentityOptions.SectionName);

        // Encrypts the signing keys' private parts at rest in Redis. Replicas must share this key ring.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("fedgan-identity");
        if (builder.Configuration[$"{IdentityOptions.SectionName}:DataProtectionKeysPath"] is { Length: > 0 } keysPath)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        }

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
