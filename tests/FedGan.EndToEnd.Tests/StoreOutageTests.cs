using System.Net;

namespace FedGan.EndToEnd.Tests;

public sealed class OutageStackFixture : IAsyncLifetime
{
    public LocalStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Stack = await LocalStack.StartAsync(hospitals: 0, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

public class StoreOutageTests(OutageStackFixture fixture) : IClassFixture<OutageStackFixture>
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("redis", new[] { "identity", "privacyaccountant", "roundscheduler", "aggregator" }, new[] { "modelregistry" })]
    [InlineData("blobs", new[] { "modelregistry", "aggregator" }, new[] { "identity", "privacyaccountant", "roundscheduler" })]
    public async Task A_stopped_store_makes_its_dependents_unready_and_they_recover_without_restart(
        string store, string[] dependents, string[] unaffected)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var app = fixture.Stack.App;

        var stopped = await app.ResourceCommands.ExecuteCommandAsync(store, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            foreach (var service in dependents)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, await WaitForHealthAsync(service, HttpStatusCode.ServiceUnavailable));
            }

            foreach (var service in unaffected)
            {
                Assert.Equal(HttpStatusCode.OK, await HealthAsync(service));
            }
        }
        finally
        {
            var started = await app.ResourceCommands.ExecuteCommandAsync(store, KnownResourceCommands.StartCommand, cancellationToken);
            Assert.True(started.Success, started.Message);
        }

        foreach (var service in dependents)
        {
            Assert.Equal(HttpStatusCode.OK, await WaitForHealthAsync(service, HttpStatusCode.OK));
        }
    }

    private async Task<HttpStatusCode> HealthAsync(string service)
    {
        using var client = fixture.Stack.App.CreateHttpClient(service);
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> WaitForHealthAsync(string service, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        var status = await HealthAsync(service);
        while (status != wanted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            status = await HealthAsync(service);
        }

        return status;
    }
}
