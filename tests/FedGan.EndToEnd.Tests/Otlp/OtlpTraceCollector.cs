using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedGan.EndToEnd.Tests.Otlp;

/// <summary>
/// An OTLP/HTTP (protobuf) trace receiver on a free loopback port: the stack's services export
/// their spans here during a test, as they would to the Aspire dashboard or a collector.
/// </summary>
public sealed class OtlpTraceCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();

    private OtlpTraceCollector(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = string.Empty;

    public IReadOnlyCollection<ExportedSpan> Spans => _spans.ToArray();

    public static async Task<OtlpTraceCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new OtlpTraceCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in TraceExportParser.Parse(body.ToArray()))
            {
                collector._spans.Enqueue(span);
            }

            // An empty ExportTraceServiceResponse.
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/{signal}", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        collector.Endpoint = app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.Single();
        return collector;
    }

    public async Task<IReadOnlyList<ExportedSpan>> WaitForSpansAsync(
        Func<IReadOnlyCollection<ExportedSpan>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Spans) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return Spans.ToList();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
