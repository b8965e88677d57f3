using FedGan.Storage;

using FedGan.PrivacyAccountant.Ledger;

namespace FedGan.PrivacyAccountant.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The AppHost names the Redis resource "redis"; the client integration adds its health check.
        builder.AddRedisStore("redis");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EpsilonCalculator>();
        builder.Services.AddSingleton<LedgerStore>();
        builder.Services.AddSingleton<PrivacyLedger>();
        builder.Services.AddSingleton<SpendingReport>();
    }
}
