using System.Net;
using FedGan.EdgeTrainer.Local;
using FedGan.EdgeTrainer.Platform;
using FedGan.EdgeTrainer.Training;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddEdgeServices();
        builder.Services.AddHostedService<TaskLoop>();
    }

    /// <summary>Everything but the task loop: what <c>fedgan-edge check</c> uses too.</summary>
    public static void AddEdgeServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<EdgeTrainerOptions>, EdgeTrainerOptionsValidator>();
        builder.Services.AddOptions<EdgeTrainerOptions>()
            .BindConfiguration(EdgeTrainerOptions.SectionName)
            .ValidateOnStart();

        // The site's credential comes from the edge config alone: client id = site id, tokens from the
        // gateway (a hospital reaches nothing else), so no ServiceCredential section is needed.
        builder.Services.AddOptions<ServiceCredentialOptions>()
            .PostConfigure<IOptions<EdgeTrainerOptions>>((credential, edge) =>
            {
                credential.ClientId = edge.Value.SiteId;
                credential.ClientSecret = edge.Value.ReadClientSecret();
                credential.TokenEndpoint = edge.Value.EffectiveTokenEndpoint;
            });

        // Every outbound call (tokens included) goes through the hospital's proxy when it has one;
        // without it, the standard HTTPS_PROXY / NO_PROXY variables still apply.
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler((handler, services) =>
        {
            if (services.GetRequiredService<IOptions<EdgeTrainerOptions>>().Value.Proxy is { Length: > 0 } address)
            {
                var proxy = CreateProxy(new Uri(address));
                switch (handler)
                {
                    case SocketsHttpHandler sockets:
                        sockets.Proxy = proxy;
                        sockets.UseProxy = true;
                        break;
                    case HttpClientHandler client:
                        client.Proxy = proxy;
                        client.UseProxy = true;
                        break;
                }
            }
        }));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalDataset>();
        builder.Services.AddSingleton<LocalPrivacyLedger>();
        builder.Services.AddSingleton<StudyApprovalPolicy>();
        builder.Services.AddSingleton<EdgeMetrics>();
        builder.Services.AddSingleton<SiteRoundTrainer>();

        // Outbound only, through the gateway. Long polls and large uploads need longer timeouts
        // than the defaults; transient failures are retried (uploads are idempotent per round).
#pragma warning disable EXTEXP0001 // Replacing the default handler is the documented way to give one client other timeouts.
        var platform = builder.Services.AddHttpClient<PlatformClient>((services, client) =>
            client.BaseAddress = new Uri(services.GetRequiredService<IOptions<EdgeTrainerOptions>>().Value.Gateway));
        platform.RemoveAllResilienceHandlers().AddStandardResilienceHandler(resilience =>
        {
            resilience.AttemptTimeout.Timeout = TimeSpan.FromMinutes(5);
            resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(10);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(15);
        });
        // Inside the retries, so every attempt carries the site's own (current) token.
        platform.AddServiceTokenHandler();
#pragma warning restore EXTEXP0001
    }

    private static WebProxy CreateProxy(Uri address)
    {
        var proxy = new WebProxy(new UriBuilder(address) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (address.UserInfo is { Length: > 0 } userInfo)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            proxy.Credentials = colon < 0
                ? new NetworkCredential(Uri.UnescapeDataString(userInfo), string.Empty)
                : new NetworkCredential(Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
        }

        return proxy;
    }
}
