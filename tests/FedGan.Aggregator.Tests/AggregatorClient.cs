using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Updates;

namespace FedGan.Aggregator.Tests;

/// <summary>The aggregator's HTTP API as a test drives it.</summary>
public sealed class AggregatorClient(HttpClient http)
{
    public Task<HttpResponseMessage> RegisterAsync(string study, int round, RoundRegistration registration) =>
        http.PutAsJsonAsync($"/studies/{study}/rounds/{round}", registration, ContractJson.Options);

    public Task<HttpResponseMessage> UploadAsync(string study, int round, string site, byte[] file) =>
        UploadAsync(study, round, site, new ByteArrayContent(file));

    public Task<HttpResponseMessage> UploadAsync(string study, int round, string site, HttpContent content)
    {
        content.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
        return http.PutAsync($"/studies/{study}/rounds/{round}/updates/{site}", content);
    }

    /// <summary>Sends the body without Content-Length (chunked): the aggregator learns its size only by reading.</summary>
    public Task<HttpResponseMessage> UploadChunkedAsync(string study, int round, string site, Stream body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/studies/{study}/rounds/{round}/updates/{site}")
        {
            Content = new StreamContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        request.Headers.TransferEncodingChunked = true;
        return http.SendAsync(request);
    }

    public async Task<UpdateReceipt> UploadOkAsync(string study, int round, string site, byte[] file)
    {
        var response = await UploadAsync(study, round, site, file);
        await ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<UpdateReceipt>(ContractJson.Options))!;
    }

    public async Task<IReadOnlyList<UpdateReceipt>> ReceiptsAsync(string study, int round) =>
        (await http.GetFromJsonAsync<List<UpdateReceipt>>($"/studies/{study}/rounds/{round}/updates", ContractJson.Options))!;

    public Task<HttpResponseMessage> AggregateAsync(string study, int round, IReadOnlyDictionary<string, double>? epsilonBySite = null) =>
        http.PostAsJsonAsync($"/studies/{study}/rounds/{round}/aggregation", new AggregationRequest(epsilonBySite), ContractJson.Options);

    public async Task<AggregationResult> AggregateOkAsync(string study, int round, IReadOnlyDictionary<string, double>? epsilonBySite = null)
    {
        var response = await AggregateAsync(study, round, epsilonBySite);
        await ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AggregationResult>(ContractJson.Options))!;
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts a problem response with its stable code, and returns its detail.</summary>
    public static async Task<string> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        await ExpectAsync(response, status);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, (string)problem["code"]!);
        return (string)problem["detail"]!;
    }
}
