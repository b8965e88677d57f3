using FedGan.EdgeTrainer.Local;
using FedGan.EdgeTrainer.Platform;
using FedGan.EdgeTrainer.Training;

namespace FedGan.EdgeTrainer.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EdgeTrainerOptions>()
            .BindConfiguration("EdgeTrainer")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalDataset>();
        builder.Services.AddSingleton<LocalPrivacyLedger>();
        builder.Services.AddSingleton<EdgeMetrics>();
        builder.Services.AddSingleton<SiteRoundTrainer>();

        // Outbound only, through the gateway. Long polls and large uploads need longer timeouts
        // than the defaults; transient failures are retried (uploads are idempotent per round).
#pragma warning disable EXTEXP0001 // Replacing the default handler is the documented way to give one client other timeouts.
        var platform = builder.Services.AddHttpClient<PlatformClient>(client => client.BaseAddress = new Uri("https+http://gateway"));
        platform.RemoveAllResilienceHandlers().AddStandardResilienceHandler(resilience =>
        {
            resilience.AttemptTimeout.Timeout = TimeSpan.FromMinutes(5);
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(10);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(15);
        });
        // Inside the retries, so every attempt carries the site's own (current) token.
        platform.AddServiceTokenHandler();
#pragma warning restore EXTEXP0001
        builder.Services.AddHostedService<TaskLoop>();
    }
}
