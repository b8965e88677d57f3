using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FedGan.Identity.Tests;

/// <summary>
/// The real Identity service on a real Redis, with a bootstrap coordinator whose secret the test chose.
/// Replicas and restarts share <see cref="SharedEncryptionKey"/> unless a test gives another
/// (null: none at all, as a deployment that forgot it).
/// </summary>
public sealed class IdentityHost(string redisConnectionString, string coordinatorSecret, TimeSpan? tokenLifetime = null,
    string? signingKeyEncryptionKey = "") : WebApplicationFactory<Program>
{
    public const string CoordinatorId = "coordinator";

    /// <summary>The signing-key encryption secret of this test run, as a deployment's Secret would hold it.</summary>
    public static readonly string SharedEncryptionKey = NewBootstrapSecret();

    public string CoordinatorSecret { get; } = coordinatorSecret;

    public string? SigningKeyEncryptionKey { get; } = signingKeyEncryptionKey == "" ? SharedEncryptionKey : signingKeyEncryptionKey;

    public static string NewBootstrapSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        if (SigningKeyEncryptionKey is not null)
        {
            builder.UseSetting("Identity:SigningKeyEncryptionKey", SigningKeyEncryptionKey);
        }

        builder.UseSetting($"Identity:BootstrapClients:{CoordinatorId}:Role", "coordinator");
        builder.UseSetting($"Identity:BootstrapClients:{CoordinatorId}:Secret", CoordinatorSecret);
        if (tokenLifetime is { } lifetime)
        {
            builder.UseSetting("Identity:TokenLifetime", lifetime.ToString());
        }
    }

    /// <summary>POSTs a client-credentials request with the secret in HTTP Basic (RFC 6749 section 2.3.1).</summary>
    public async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret, string grantType = "client_credentials")
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", grantType)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        return await client.SendAsync(request);
    }

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var response = await RequestTokenAsync(clientId, secret);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.IsSuccessStatusCode, $"token request for {clientId} failed: {body}");
        return (string)body!["access_token"]!;
    }

    /// <summary>A client that calls the API with the bootstrap coordinator's token.</summary>
    public async Task<HttpClient> CoordinatorClientAsync() => ClientWith(await TokenAsync(CoordinatorId, CoordinatorSecret));

    public HttpClient ClientWith(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>A real redis-server for the test class, and an Identity replica on it.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public IdentityHost Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Service = new IdentityHost(Redis.ConnectionString, IdentityHost.NewBootstrapSecret());
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
