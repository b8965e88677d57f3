using FedGan.Aggregator.Aggregation;
using FedGan.Aggregator.Registry;
using FedGan.Aggregator.Rounds;
using FedGan.Aggregator.Staging;
using FedGan.Aggregator.Telemetry;
using FedGan.Aggregator.Uploads;
using FedGan.Storage;

namespace FedGan.Aggregator.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Receipts of accepted updates live in Redis; the update bytes are staged in blobs.
        builder.AddRedisStore("redis");
        builder.AddBlobStorage("blobs");

        builder.Services.AddOptions<AggregatorOptions>()
            .BindConfigurationValidatedOnStart("Aggregator")
            .Validate(o => o.ServerNoiseKey is null || o.ServerNoiseKey.Length >= 16,
                "Aggregator:ServerNoiseSecret (env Aggregator__ServerNoiseSecret) must be at least 16 bytes when set.");
        builder.Services.AddHttpClient<ModelRegistryClient>((services, http) =>
            http.BaseAddress = new Uri(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AggregatorOptions>>().Value.ModelRegistryUrl))
            .AddServiceTokenHandler();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AggregatorMetrics>();
        builder.Services.AddSingleton<ModelLayoutCache>();
        builder.Services.AddSingleton<AggregationSlots>();
        builder.Services.AddSingleton<RoundStore>();
        builder.Services.AddSingleton<AggregatorBlobs>();
        // These hold the registry's typed HttpClient, so they live as briefly as it does.
        builder.Services.AddTransient<StudyModels>();
        builder.Services.AddTransient<UpdateIntake>();
        builder.Services.AddTransient<RoundAggregator>();
    }
}
