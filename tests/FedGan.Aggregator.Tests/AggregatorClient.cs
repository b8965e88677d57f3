using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using FedGan.Testing;

namespace FedGan.Aggregator.Tests;

/// <summary>
/// The aggregator's HTTP API as its real callers drive it: the scheduler (a service token) registers
/// rounds, reads receipts and triggers aggregation; each site uploads its own update with its own
/// site token.
/// </summary>
public sealed class AggregatorClient(HttpClient http, TestTokens tokens)
{
    private readonly string _scheduler = tokens.Service("roundscheduler");

    public Task<HttpResponseMessage> RegisterAsync(string study, int round, RoundRegistration registration) =>
        SendAsync(HttpMethod.Put, $"/studies/{study}/rounds/{round}", _scheduler, JsonContent.Create(registration, options: ContractJson.Options));

    public Task<HttpResponseMessage> UploadAsync(string study, int round, string site, byte[] file) =>
        UploadAsync(study, round, site, new ByteArrayContent(file));

    public Task<HttpResponseMessage> UploadAsync(string study, int round, string site, HttpContent content)
    {
        content.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync(HttpMethod.Put, $"/studies/{study}/rounds/{round}/updates/{site}", tokens.Site(site), content);
    }

    /// <summary>Sends the body without Content-Length (chunked): the aggregator learns its size only by reading.</summary>
    public Task<HttpResponseMessage> UploadChunkedAsync(string study, int round, string site, Stream body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/studies/{study}/rounds/{round}/updates/{site}")
        {
            Content = new StreamContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Site(site));
        return http.SendAsync(request);
    }

    public async Task<UpdateReceipt> UploadOkAsync(string study, int round, string site, byte[] file)
    {
        var response = await UploadAsync(study, round, site, file);
        await ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<UpdateReceipt>(ContractJson.Options))!;
    }

    public async Task<IReadOnlyList<UpdateReceipt>> ReceiptsAsync(string study, int round)
    {
        var response = await SendAsync(HttpMethod.Get, $"/studies/{study}/rounds/{round}/updates", _scheduler);
        await ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<List<UpdateReceipt>>(ContractJson.Options))!;
    }

    public Task<HttpResponseMessage> AggregateAsync(string study, int round, IReadOnlyDictionary<string, double>? epsilonBySite = null) =>
        SendAsync(HttpMethod.Post, $"/studies/{study}/rounds/{round}/aggregation", _scheduler,
            JsonContent.Create(new AggregationRequest(epsilonBySite), options: ContractJson.Options));

    public async Task<AggregationResult> AggregateOkAsync(string study, int round, IReadOnlyDictionary<string, double>? epsilonBySite = null)
    {
        var response = await AggregateAsync(study, round, epsilonBySite);
        await ExpectAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AggregationResult>(ContractJson.Options))!;
    }

    /// <summary>One call as the holder of <paramref name="token"/> (anonymous if null).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
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
