using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FedGan.Aggregation;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.Aggregator.Registry;

/// <summary>The ModelRegistry's API as the aggregator uses it: manifests, weights down and up, publishing a version.</summary>
public sealed class ModelRegistryClient(HttpClient http)
{
    /// <summary>The manifest of a version, or null when the registry has no such version.</summary>
    public async Task<ModelVersionManifest?> GetVersionAsync(string studyId, int version, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, VersionPath(studyId, version)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, $"reading version {version} of study '{studyId}'", cancellationToken);
        return await response.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options, cancellationToken);
    }

    /// <summary>A version's weights as a file the aggregation streams once (the caller checks its hash).</summary>
    public ITensorFileSource WeightsOf(string studyId, int version) => new RegistryWeightsFile(this, studyId, version);

    public async Task<Stream> OpenWeightsAsync(string studyId, int version, CancellationToken cancellationToken)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{VersionPath(studyId, version)}/weights"), cancellationToken,
            HttpCompletionOption.ResponseHeadersRead);
        try
        {
            await EnsureSuccessAsync(response, $"downloading the weights of version {version} of study '{studyId}'", cancellationToken);
            return await response.Content.ReadAsStreamAsync(cancellationToken);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Uploads weights (content-addressed and write-once on the registry side), streamed from memory.</summary>
    public async Task<WeightsUploadResult> UploadWeightsAsync(string studyId, AggregatedWeights weights, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/studies/{studyId}/weights") { Content = new AggregatedWeightsContent(weights) };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, $"uploading weights for study '{studyId}'", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<WeightsUploadResult>(ContractJson.Options, cancellationToken))!;
    }

    /// <summary>Publishes a version: the manifest when created or already identical; null when a different version holds the number.</summary>
    public async Task<ModelVersionManifest?> PublishAsync(string studyId, int version, PublishVersionRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Put, VersionPath(studyId, version))
        {
            Content = JsonContent.Create(request, options: ContractJson.Options),
        };
        using var response = await SendAsync(message, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
            return null;
        await EnsureSuccessAsync(response, $"publishing version {version} of study '{studyId}'", cancellationToken);
        return await response.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options, cancellationToken);
    }

    private static string VersionPath(string studyId, int version) => $"/studies/{studyId}/versions/{version}";

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (Exception e) when ((e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                                  || e is Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new RegistryUnavailableException($"The model registry did not answer {request.Method} {request.RequestUri}: {e.Message}", e);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var detail = await ProblemDetailAsync(response, cancellationToken);
        throw new RegistryUnavailableException($"The model registry refused {what}: {(int)response.StatusCode} {detail}");
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"{code} {detail}".Trim();
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] : text;
        }
    }

    /// <summary>The weights of a registry version as an aggregation input.</summary>
    private sealed class RegistryWeightsFile(ModelRegistryClient client, string studyId, int version) : ITensorFileSource
    {
        public string Description => $"weights of version {version}";

        public Task<Stream> OpenReadAsync(CancellationToken cancellationToken) => client.OpenWeightsAsync(studyId, version, cancellationToken);
    }

    /// <summary>Aggregated weights as a request body: written straight from memory, as often as a retry needs.</summary>
    private sealed class AggregatedWeightsContent : HttpContent
    {
        private readonly AggregatedWeights _weights;

        public AggregatedWeightsContent(AggregatedWeights weights)
        {
            _weights = weights;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _weights.WriteToAsync(stream);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _weights.WriteToAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _weights.SizeBytes;
            return true;
        }
    }
}

/// <summary>The registry could not be reached or refused a call it should have accepted; the aggregator's caller may retry.</summary>
public sealed class RegistryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
