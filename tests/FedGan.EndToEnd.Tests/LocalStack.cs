using FedGan.EndToEnd.Tests.Otlp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedGan.EndToEnd.Tests;

/// <summary>
/// The real AppHost (real Redis, real Azurite, every service, the gateway, simulated hospitals)
/// started in-process with its stores in a temporary folder and its spans sent to a test collector.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public static readonly string[] ServiceNames = ["identity", "roundscheduler", "aggregator", "modelregistry", "privacyaccountant"];
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The AppHost's one-shot resource that creates the demo study (Demo:Enabled).</summary>
    public const string DemoStudyResource = "demo-study";

    private readonly string _dataDirectory;

    private LocalStack(DistributedApplication app, OtlpTraceCollector traces, string dataDirectory, IReadOnlyList<string> resourceNames)
    {
        App = app;
        Traces = traces;
        _dataDirectory = dataDirectory;
        DataDirectory = dataDirectory;
        ResourceNames = resourceNames;
    }

    public DistributedApplication App { get; }

    public OtlpTraceCollector Traces { get; }

    public IReadOnlyList<string> ResourceNames { get; }

    public string DataDirectory { get; }

    /// <summary>
    /// Starts the stack; <paramref name="configure"/> may change resources (e.g. shorter token lifetimes)
    /// and is given the stack's temporary data folder; <paramref name="settings"/> are more AppHost
    /// settings (key=value), e.g. the studies the simulated hospitals approve (Hospitals:ApprovedStudies).
    /// </summary>
    public static async Task<LocalStack> StartAsync(int hospitals, CancellationToken cancellationToken,
        Action<IDistributedApplicationTestingBuilder, string>? configure = null, IEnumerable<string>? settings = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("fedgan-e2e-").FullName;
        var traces = await OtlpTraceCollector.StartAsync();

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FedGan_AppHost>(
            [$"Infrastructure:DataDirectory={dataDirectory}", $"Hospitals:Count={hospitals}", "Demo:Enabled=false", .. settings ?? []],
            cancellationToken);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", traces.Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200")
                .WithEnvironment("OTEL_TRACES_SAMPLER", "always_on");
        }

        configure?.Invoke(builder, dataDirectory);

        // The demo's `fedgan studies create` runs once and exits: it is never "healthy", so it is not waited for.
        var resourceNames = builder.Resources
            .Where(resource => resource is ProjectResource or LocalRedisResource or LocalAzuriteResource)
            .Where(resource => resource.Name != DemoStudyResource)
            .Select(resource => resource.Name)
            .ToList();

        var app = await builder.BuildAsync(cancellationToken);
        var stack = new LocalStack(app, traces, dataDirectory, resourceNames);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            await app.StartAsync(timeout.Token);
            await Task.WhenAll(resourceNames.Select(name =>
                app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }

        return stack;
    }

    public HttpClient CreateGatewayClient() => App.CreateHttpClient("gateway");

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Traces.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A store may still be closing its files; the temporary folder is cleaned up by the OS.
        }
    }
}
