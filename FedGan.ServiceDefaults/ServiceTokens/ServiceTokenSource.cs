using System.Net.Http.Headers;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FedGan.ServiceDefaults.ServiceTokens;

/// <summary>
/// This process's access token from the client-credentials grant, cached and renewed when three
/// quarters of its lifetime have passed; concurrent callers share one token request.
/// </summary>
public sealed class ServiceTokenSource(IHttpClientFactory httpClients, IOptions<ServiceCredentialOptions> options, TimeProvider time)
{
    public const string HttpClientName = "fedgan-token";

    private readonly SemaphoreSlim _renewal = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } renewed && time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Token;
            }

            var response = await RequestTokenAsync(cancellationToken);
            _cached = (response.AccessToken, time.GetUtcNow() + TimeSpan.FromSeconds(response.ExpiresIn * 0.75));
            return response.AccessToken;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>A downstream service refused the token (revoked, rotated out): get a new one next time.</summary>
    public void Invalidate(string token)
    {
        if (_cached is { } cached && cached.Token == token)
        {
            _cached = null;
        }
    }

    private async Task<TokenResponse> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var credential = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, credential.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined for Basic.
        var basic = $"{Uri.EscapeDataString(credential.ClientId)}:{Uri.EscapeDataString(credential.ClientSecret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));

        using var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"Identity refused client '{credential.ClientId}' a token ({(int)response.StatusCode}): {body}", null, response.StatusCode);
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ContractJson.Options, cancellationToken);
        return token is { AccessToken.Length: > 0, ExpiresIn: > 0 }
            ? token
            : throw new HttpRequestException($"Identity's token response for '{credential.ClientId}' has no usable token.");
    }
}
