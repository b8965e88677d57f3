using System.Net;
using System.Net.Http.Json;
using FedGan.EndToEnd.Tests.Otlp;

namespace FedGan.EndToEnd.Tests;

public sealed class LocalStackFixture : IAsyncLifetime
{
    public LocalStack Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Stack = await LocalStack.StartAsync(hospitals: 3, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

public class LocalStackTests(LocalStackFixture fixture) : IClassFixture<LocalStackFixture>
{
    private sealed record ServiceInfo(string Service, string Version, string Status, List<DependencyStatus> Dependencies);

    private sealed record DependencyStatus(string Name, string Status);

    [Fact]
    public void Every_store_service_gateway_and_hospital_is_a_resource()
    {
        string[] expected =
        [
            "redis", "blobs", "identity", "privacyaccountant", "modelregistry", "aggregator", "roundscheduler",
            "gateway", "hospital-1", "hospital-2", "hospital-3",
        ];
        Assert.Equal(expected.Order(), fixture.Stack.ResourceNames.Order());
    }

    [Theory]
    // Identity is also unready while it cannot use the shared signing key (a wrong encryption key, say).
    [InlineData("identity", "identity", new[] { "StackExchange.Redis", "signing-key" })]
    [InlineData("scheduler", "roundscheduler", new[] { "StackExchange.Redis" })]
    [InlineData("aggregator", "aggregator", new[] { "StackExchange.Redis", "blobs" })]
    [InlineData("registry", "modelregistry", new[] { "blobs" })]
    [InlineData("privacy", "privacyaccountant", new[] { "StackExchange.Redis" })]
    public async Task Each_service_answers_through_the_gateway_with_its_stores_healthy(string prefix, string service, string[] stores)
    {
        using var gateway = fixture.Stack.CreateGatewayClient();

        var info = await gateway.GetFromJsonAsync<ServiceInfo>($"/{prefix}/info", TestContext.Current.CancellationToken);

        Assert.NotNull(info);
        Assert.Equal(service, info.Service);
        Assert.Equal("Healthy", info.Status);
        Assert.Equal(stores.Order(), info.Dependencies.Select(d => d.Name).Order());
        Assert.All(info.Dependencies, d => Assert.Equal("Healthy", d.Status));
    }

    [Fact]
    public async Task An_unknown_path_on_the_gateway_is_not_found()
    {
        using var gateway = fixture.Stack.CreateGatewayClient();

        var response = await gateway.GetAsync("/nowhere/info", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task One_gateway_request_is_one_trace_across_gateway_and_service()
    {
        using var gateway = fixture.Stack.CreateGatewayClient();
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/registry/info");
        // The caller starts the trace (as the edge trainer does); every hop must continue it.
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");

        var response = await gateway.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        // Wait for the three spans themselves, not for any three: the registry's own outbound spans
        // (blob storage) end, and may be exported, before its server span does.
        bool Has(IEnumerable<ExportedSpan> all, string service, int kind) =>
            all.Any(s => s.TraceId == traceId && s.ServiceName == service && s.Kind == kind);
        var spans = await fixture.Stack.Traces.WaitForSpansAsync(
            all => Has(all, "gateway", SpanKindServer) && Has(all, "gateway", SpanKindClient) && Has(all, "modelregistry", SpanKindServer),
            TimeSpan.FromSeconds(30));
        var trace = spans.Where(s => s.TraceId == traceId).ToList();

        var gatewayServer = Assert.Single(trace, s => s.ServiceName == "gateway" && s.Kind == SpanKindServer);
        var gatewayClient = Assert.Single(trace, s => s.ServiceName == "gateway" && s.Kind == SpanKindClient);
        var registryServer = Assert.Single(trace, s => s.ServiceName == "modelregistry" && s.Kind == SpanKindServer);
        Assert.Equal(gatewayServer.SpanId, gatewayClient.ParentSpanId);
        Assert.Equal(gatewayClient.SpanId, registryServer.ParentSpanId);
    }

    // OTLP SpanKind values (trace.proto).
    private const int SpanKindServer = 2;
    private const int SpanKindClient = 3;
}
