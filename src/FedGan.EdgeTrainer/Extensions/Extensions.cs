namespace FedGan.EdgeTrainer.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EdgeTrainerOptions>()
            .BindConfiguration("EdgeTrainer")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Outbound only: the trainer reaches the platform through the gateway and nothing else.
        // Every call carries the site's own token (its ServiceCredential, exchanged through the gateway).
        builder.Services.AddHttpClient<PlatformClient>(client => client.BaseAddress = new Uri("https+http://gateway"))
            .AddServiceTokenHandler();
        builder.Services.AddHostedService<PlatformWatcher>();
    }
}
