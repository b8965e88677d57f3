using System.Net.Http.Json;

namespace FedGan.EdgeTrainer;

/// <summary>The edge trainer's outbound calls to the platform, all through the gateway.</summary>
public sealed class PlatformClient(HttpClient http)
{
    public async Task<ServiceInfo?> GetSchedulerInfoAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<ServiceInfo>("/scheduler/info", cancellationToken);
}
