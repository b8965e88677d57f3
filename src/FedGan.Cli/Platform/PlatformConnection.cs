using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Identity;

namespace FedGan.Cli.Platform;

/// <summary>
/// The CLI's session with the platform through the gateway: gets a client-credentials token once per
/// run (kept in memory only, renewed if it expires), sends JSON, and turns refusals (problem details,
/// OAuth errors) into a <see cref="PlatformException"/> with one readable line.
/// </summary>
public sealed class PlatformConnection(Uri gateway, string clientId, string clientSecret) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(100) };
    private (string Token, DateTimeOffset RenewAt)? _token;

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, body: null, cancellationToken);

    public Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendContentAsync<T>(method, path, body is null ? null : JsonContent.Create(body, options: ContractJson.Options), cancellationToken);

    /// <summary>Sends a file's bytes (e.g. safetensors weights) as application/octet-stream, streamed.</summary>
    public async Task<T> UploadAsync<T>(HttpMethod method, string path, Stream content, CancellationToken cancellationToken)
    {
        var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (content.CanSeek)
        {
            body.Headers.ContentLength = content.Length - content.Position;
        }

        return await SendContentAsync<T>(method, path, body, cancellationToken);
    }

    /// <summary>Streams a binary answer (e.g. a model version's weights) into <paramref name="destination"/>.</summary>
    public async Task<System.Net.Http.Headers.HttpResponseHeaders> DownloadAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        using var response = await SendRawAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new PlatformException($"GET {path}: {await DescribeAsync(response, cancellationToken)}");
        }

        await response.Content.CopyToAsync(destination, cancellationToken);
        return response.Headers;
    }

    private async Task<T> SendContentAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        using var response = await SendRawAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new PlatformException($"{method} {path}: {await DescribeAsync(response, cancellationToken)}");
        }

        return await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken)
            ?? throw new PlatformException($"{method} {path}: the platform answered with an empty body.");
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && DateTimeOffset.UtcNow < cached.RenewAt)
        {
            return cached.Token;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "identity" + TokenConventions.TokenPath)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        // RFC 6749 section 2.3.1: form-encode id and secret, then HTTP Basic.
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));
        using var response = await SendRawAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new PlatformException($"cannot sign in as '{clientId}': {await DescribeAsync(response, cancellationToken)}");
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ContractJson.Options, cancellationToken);
        if (token is not { AccessToken.Length: > 0, ExpiresIn: > 0 })
        {
            throw new PlatformException("the token endpoint answered without a token.");
        }

        _token = (token.AccessToken, DateTimeOffset.UtcNow.AddSeconds(token.ExpiresIn * 0.75));
        return token.AccessToken;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new PlatformException($"cannot reach the gateway at {_http.BaseAddress}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PlatformException($"the gateway at {_http.BaseAddress} did not answer in {_http.Timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>"forbidden (403): detail" from a problem, "invalid_client (401): description" from OAuth, else the status.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"({(int)response.StatusCode})";
        try
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
            var code = (string?)body?["code"] ?? (string?)body?["error"];
            var detail = (string?)body?["detail"] ?? (string?)body?["error_description"] ?? (string?)body?["title"];
            if (code is not null)
            {
                return OneLine($"{code} {status}: {detail}");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): fall back to the status line.
        }

        return $"{response.ReasonPhrase} {status}";
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void Dispose() => _http.Dispose();
}
