using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Tests;

/// <summary>The registry's HTTP API as a test drives it: raw bytes up, snake_case JSON both ways.</summary>
public sealed class RegistryClient(HttpClient http)
{
    public HttpClient Http => http;

    public static string NewStudy() => $"study-{Guid.NewGuid():N}";

    public Task<HttpResponseMessage> UploadAsync(string study, byte[] file) => UploadAsync(study, Octets(new ByteArrayContent(file)));

    public Task<HttpResponseMessage> UploadAsync(string study, HttpContent content) => http.PostAsync($"/studies/{study}/weights", content);

    /// <summary>Uploads without Content-Length (chunked), so the registry learns the length only by reading.</summary>
    public Task<HttpResponseMessage> UploadChunkedAsync(string study, byte[] file)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/studies/{study}/weights")
        {
            Content = Octets(new StreamContent(new MemoryStream(file))),
        };
        request.Headers.TransferEncodingChunked = true;
        return http.SendAsync(request);
    }

    /// <summary>Uploads and returns the hash the registry reports, failing the test on anything but 200.</summary>
    public async Task<string> UploadOkAsync(string study, byte[] file)
    {
        var response = await UploadAsync(study, file);
        await ExpectAsync(response, System.Net.HttpStatusCode.OK);
        return (string)(await BodyAsync(response))["sha256"]!;
    }

    public Task<HttpResponseMessage> PublishAsync(string study, int version, PublishVersionRequest request) =>
        http.PutAsJsonAsync($"/studies/{study}/versions/{version}", request, ContractJson.Options);

    public async Task<ModelVersionManifest> PublishOkAsync(string study, int version, PublishVersionRequest request)
    {
        var response = await PublishAsync(study, version, request);
        await ExpectAsync(response, System.Net.HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options))!;
    }

    public static HttpContent Octets(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>Asserts the status, showing the body (a problem's detail) when it differs.</summary>
    public static async Task ExpectAsync(HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Asserts a problem response: its status, its stable code, and returns its detail.</summary>
    public static async Task<string> ExpectProblemAsync(HttpResponseMessage response, System.Net.HttpStatusCode status, string code)
    {
        await ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await BodyAsync(response);
        Assert.Equal(code, (string)problem["code"]!);
        return (string)problem["detail"]!;
    }
}
