using System.Net;
using FedGan.Testing;

namespace FedGan.ModelRegistry.Tests;

public class ReadinessTests
{
    [Fact]
    public async Task The_service_is_unready_while_blob_storage_is_down_and_ready_again_when_it_returns()
    {
        // Its own Azurite: stopping the shared one would fail the other tests.
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = new RegistryHost(azurite.ConnectionString);
        var client = host.Client().Http;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await azurite.KillAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);

        await azurite.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        // The container is created on first use, so a registry that started before storage still works.
        var study = RegistryClient.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await host.Client().UploadAsync(study, TestModels.Weights(0.5f))).StatusCode);
    }
}
