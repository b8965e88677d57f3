extern alias registry;

using FedGan.Aggregator.Registry;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(FedGan.Aggregator.Tests.Stack))]

namespace FedGan.Aggregator.Tests;

/// <summary>The real ModelRegistry service on the test run's Azurite.</summary>
public sealed class RegistryHost(string blobs) : WebApplicationFactory<registry::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("ConnectionStrings:blobs", blobs);
}

/// <summary>
/// The real Aggregator on the test run's Redis and Azurite, calling the in-process registry through
/// its test handler (behind <paramref name="faults"/>), with a clock the test moves.
/// </summary>
public sealed class AggregatorHost(string redis, string blobs, RegistryHost registryHost, ManualClock clock, RegistryFaults faults, BodyReads bodyReads)
    : WebApplicationFactory<Program>
{
    public const string NoiseSecret = "aggregator-tests-noise-secret-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("Aggregator:ModelRegistryUrl", "http://modelregistry");
        builder.UseSetting("Aggregator:ServerNoiseSecret", NoiseSecret);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(bodyReads);
            services.AddHttpClient<ModelRegistryClient>()
                .ConfigurePrimaryHttpMessageHandler(registryHost.Server.CreateHandler)
                .AddHttpMessageHandler(faults.CreateHandler);
        });
    }
}

/// <summary>
/// One Redis, one Azurite, one registry and one aggregator for the whole run; tests keep apart by
/// study id. The clock starts at the real time and only moves forward when a test says so.
/// </summary>
public sealed class Stack : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public AzuriteServer Azurite { get; private set; } = null!;

    public RegistryHost Registry { get; private set; } = null!;

    public AggregatorHost Aggregator { get; private set; } = null!;

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public RegistryFaults Faults { get; } = new();

    public BodyReads BodyReads { get; } = new();

    public AggregatorClient AggregatorClient() => new(Aggregator.CreateClient());

    public RegistryClient RegistryClient() => new(Registry.CreateClient());

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Azurite = await AzuriteServer.StartAsync();
        Registry = new RegistryHost(Azurite.ConnectionString);
        Aggregator = new AggregatorHost(Redis.ConnectionString, Azurite.ConnectionString, Registry, Clock, Faults, BodyReads);
    }

    public async ValueTask DisposeAsync()
    {
        await Aggregator.DisposeAsync();
        await Registry.DisposeAsync();
        await Azurite.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>A clock that stands still until a test advances it (deadlines without waiting).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
