using FedGan.ServiceDefaults.ServiceTokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class ServiceTokenExtensions
{
    /// <summary>
    /// Calls made with this client carry this process's own token (client credentials from the
    /// <c>ServiceCredential</c> section, checked at start).
    /// </summary>
    public static IHttpClientBuilder AddServiceTokenHandler(this IHttpClientBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServiceCredentialOptions>()
            .BindConfigurationValidatedOnStart(ServiceCredentialOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceTokenSource>();
        services.TryAddTransient<ServiceTokenHandler>();
        services.AddHttpClient(ServiceTokenSource.HttpClientName);
        return builder.AddHttpMessageHandler<ServiceTokenHandler>();
    }
}
