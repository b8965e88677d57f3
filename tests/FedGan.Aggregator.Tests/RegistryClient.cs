using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.Aggregator.Tests;

/// <summary>The registry's API as a test uses it: set up version 0, read what the aggregator published.</summary>
public sealed class RegistryClient(HttpClient http)
{
    public async Task<string> UploadOkAsync(string study, byte[] file)
    {
        var content = new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        var response = await http.PostAsync($"/studies/{study}/weights", content);
        await AggregatorClient.ExpectAsync(response, HttpStatusCode.OK);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["sha256"]!;
    }

    public async Task PublishOkAsync(string study, int version, PublishVersionRequest request)
    {
        var response = await http.PutAsJsonAsync($"/studies/{study}/versions/{version}", request, ContractJson.Options);
        await AggregatorClient.ExpectAsync(response, HttpStatusCode.Created);
    }

    public async Task<ModelVersionManifest> VersionAsync(string study, int version) =>
        (await http.GetFromJsonAsync<ModelVersionManifest>($"/studies/{study}/versions/{version}", ContractJson.Options))!;

    public async Task<HttpStatusCode> VersionStatusAsync(string study, int version) =>
        (await http.GetAsync($"/studies/{study}/versions/{version}")).StatusCode;

    public async Task<(byte[] Bytes, SafetensorsContent Content)> WeightsAsync(string study, int version)
    {
        var bytes = await http.GetByteArrayAsync($"/studies/{study}/versions/{version}/weights");
        return (bytes, Safetensors.Deserialize(bytes));
    }
}
