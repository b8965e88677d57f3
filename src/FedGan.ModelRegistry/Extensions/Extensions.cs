using FedGan.ModelRegistry.Access;
using FedGan.ModelRegistry.Apis;
using FedGan.ModelRegistry.Storage;
using FedGan.ModelRegistry.Versions;
using FedGan.ModelRegistry.Weights;
using FedGan.Storage;

namespace FedGan.ModelRegistry.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The AppHost names the storage resource "blobs"; AddBlobStorage adds its readiness check.
        builder.AddBlobStorage("blobs");

        builder.Services.AddOptions<RegistryOptions>()
            .BindConfigurationValidatedOnStart(RegistryOptions.SectionName);

        builder.Services.AddExceptionHandler<StorageOutageHandler>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RegistryContainer>();
        builder.Services.AddSingleton<ManifestStore>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddSingleton<WeightsStore>();
        builder.Services.AddSingleton<WeightsIngest>();
        builder.Services.AddSingleton<VersionPublisher>();

        // Sites may only read studies they are enrolled in: the scheduler knows which.
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient<StudyEnrollment>(http => http.BaseAddress = new Uri("https+http://roundscheduler"))
            .AddServiceTokenHandler();
    }
}
