using System.Net;
using FedGan.Testing;

namespace FedGan.ModelRegistry.Tests;

public class ReadinessTests(RegistryStack stack)
{
    [Fact]
    public async Task The_service_is_unready_and_answers_503_while_blob_storage_is_down_and_recovers_when_it_returns()
    {
        // Its own Azurite: stopping the shared one would fail the other tests.
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = stack.NewReplica(azurite.ConnectionString);
        var client = host.Coordinator().Http;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await azurite.KillAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        // Requests meanwhile are told to retry, not that the registry broke.
        var during = await client.GetAsync($"/studies/{RegistryClient.NewStudy()}/versions");
        await RegistryClient.ExpectProblemAsync(during, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(during.Headers.RetryAfter);

        await azurite.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        // The container is created on first use, so a registry that started before storage still works.
        var study = RegistryClient.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await host.Coordinator().UploadAsync(study, TestModels.Weights(0.5f))).StatusCode);
    }
}
