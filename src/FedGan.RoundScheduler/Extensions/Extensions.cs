using FedGan.RoundScheduler.Clients;
using FedGan.RoundScheduler.Rounds;
using FedGan.RoundScheduler.Studies;
using FedGan.Storage;

namespace FedGan.RoundScheduler.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisStore("redis");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StudyStore>();
        builder.Services.AddSingleton<StudyLease>();
        builder.Services.AddSingleton<RoundMetrics>();
        builder.Services.AddSingleton<TaskBoard>();
        builder.Services.AddSingleton<RoundDeclines>();
        builder.Services.AddScoped<RoundLifecycle>();
        builder.Services.AddScoped<StudyCatalog>();
        builder.Services.AddScoped<RoundResolutions>();
        builder.Services.AddOptions<RoundRetryOptions>()
            .BindConfiguration(nameof(RoundRetryOptions))
            .ValidateDataAnnotations()
            .Validate(retry => retry.MaxDelay >= retry.FirstDelay, "RoundRetryOptions:MaxDelay must not be shorter than FirstDelay.")
            .ValidateOnStart();

        builder.Services.AddHttpClient<PrivacyAccountantClient>(http => http.BaseAddress = new Uri("https+http://privacyaccountant"))
            .AddServiceTokenHandler();
        builder.Services.AddHttpClient<AggregatorClient>(http => http.BaseAddress = new Uri("https+http://aggregator"))
            .AddServiceTokenHandler();
        builder.Services.AddHttpClient<ModelRegistryClient>(http => http.BaseAddress = new Uri("https+http://modelregistry"))
            .AddServiceTokenHandler();

        builder.Services.AddHostedService<RoundCoordinator>();
    }
}
