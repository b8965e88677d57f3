using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.RoundScheduler.Clients;

/// <summary>The ModelRegistry as the scheduler reads it: version manifests.</summary>
public sealed class ModelRegistryClient(HttpClient http)
{
    public async Task<ModelVersionManifest?> GetVersionAsync(string studyId, int version, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"/studies/{studyId}/versions/{version}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await UpstreamProblem.EnsureSuccessAsync(response, "model registry", cancellationToken);
        return await response.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options, cancellationToken);
    }
}
