using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary>Credentials and clients against the running stack, the way a user's tools would use them.</summary>
public sealed class PlatformAccess(LocalStack stack)
{
    public const string Coordinator = "coordinator";

    public DistributedApplication App => stack.App;

    /// <summary>A generated secret parameter's value, as the developer reads it from the dashboard or user secrets.</summary>
    public async Task<string> SecretAsync(string parameterName)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == parameterName);
        return (await parameter.GetValueAsync(TestContext.Current.CancellationToken))!;
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret)
    {
        using var gateway = stack.CreateGatewayClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/identity/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        return await gateway.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var response = await RequestTokenAsync(clientId, secret);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"token for {clientId}: {(int)response.StatusCode} {body}");
        return (string)body!["access_token"]!;
    }

    public async Task<string> CoordinatorTokenAsync() => await TokenAsync(Coordinator, await SecretAsync("identity-coordinator-secret"));

    /// <summary>Enrolls a client through the gateway with the coordinator's token; returns its one-time secret.</summary>
    public async Task<string> EnrollAsync(string clientId, string role)
    {
        using var coordinator = Gateway(await CoordinatorTokenAsync());
        using var response = await coordinator.PostAsJsonAsync("/identity/clients", new { client_id = clientId, role }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"enroll {clientId}: {(int)response.StatusCode} {body}");
        return (string)body!["client_secret"]!;
    }

    public async Task<string> EnrolledTokenAsync(string clientId, string role) => await TokenAsync(clientId, await EnrollAsync(clientId, role));

    public HttpClient Gateway(string? token) => WithToken(stack.CreateGatewayClient(), token);

    /// <summary>A service called directly, bypassing the gateway, as something inside the cluster could.</summary>
    public HttpClient Direct(string service, string? token) => WithToken(App.CreateHttpClient(service), token);

    public Uri GatewayAddress => App.GetEndpoint("gateway", "http");

    private static HttpClient WithToken(HttpClient client, string? token)
    {
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
