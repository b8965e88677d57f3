using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedGan.Identity.Tests;

/// <summary>
/// <c>AddServiceTokenHandler</c> as a FedGan service uses it: its calls carry its own token, obtained
/// from the real Identity with its bootstrap credential, requested once and reused.
/// </summary>
public class ServiceTokenHandlerTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private sealed class CountingHandler : DelegatingHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private ServiceProvider ServicesWith(string clientId, string secret, CountingHandler tokenRequests)
    {
        var identity = fixture.Service;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ServiceCredential:ClientId"] = clientId,
            ["ServiceCredential:ClientSecret"] = secret,
            ["ServiceCredential:TokenEndpoint"] = new Uri(identity.Server.BaseAddress, "/connect/token").ToString(),
        }).Build());
        services.AddHttpClient("fedgan-token")
            .ConfigurePrimaryHttpMessageHandler(() => identity.Server.CreateHandler())
            .AddHttpMessageHandler(() => tokenRequests);
        services.AddHttpClient("admin", client => client.BaseAddress = identity.Server.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => identity.Server.CreateHandler())
            .AddServiceTokenHandler();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Calls_carry_the_services_own_token_fetched_once_and_reused()
    {
        var tokenRequests = new CountingHandler();
        await using var services = ServicesWith(IdentityHost.CoordinatorId, fixture.Service.CoordinatorSecret, tokenRequests);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("admin");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/clients");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(1, tokenRequests.Requests);
    }

    [Fact]
    public async Task A_wrong_credential_fails_the_call_with_Identitys_reason()
    {
        await using var services = ServicesWith(IdentityHost.CoordinatorId, "not-the-secret", new CountingHandler());
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("admin");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/clients"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("invalid_client", error.Message);
    }
}
