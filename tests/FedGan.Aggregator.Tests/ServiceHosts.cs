extern alias registry;

using FedGan.Aggregator.Registry;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(FedGan.Aggregator.Tests.Stack))]

namespace FedGan.Aggregator.Tests;

/// <summary>
/// The real ModelRegistry service on the test run's Azurite, and its Redis for the revocation check;
/// it accepts tokens signed by <paramref name="tokens"/>.
/// </summary>
public sealed class RegistryHost(string redis, string blobs, TestTokens tokens) : WebApplicationFactory<registry::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:blobs", blobs);
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.ConfigureTestServices(services =>
        {
            tokens.Register(services);
            // Its own credential (asked for at start); only sites' reads would use it, and none happen here.
            tokens.RegisterServiceCredential(services, "modelregistry");
        });
    }
}

/// <summary>
/// The real Aggregator on the test run's Redis and Azurite, accepting tokens signed by
/// <paramref name="tokens"/>, calling the in-process registry through its test handler (behind
/// <paramref name="faults"/>) with its own service token, with a clock the test moves.
/// </summary>
public sealed class AggregatorHost(string redis, string blobs, TestTokens tokens, RegistryHost registryHost, ManualClock clock,
    RegistryFaults faults, BodyReads bodyReads)
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
            tokens.Register(services);
            // Its registry calls carry the token its ServiceTokenHandler obtains for client "aggregator".
            tokens.RegisterServiceCredential(services, "aggregator");
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
/// study id. The clock starts at the real time and only moves forward when a test says so. Both
/// services accept the tokens <see cref="Tokens"/> signs, in place of Identity's.
/// </summary>
public sealed class Stack : IAsyncLifetime
{
    public TestTokens Tokens { get; } = new();

    public RedisServer Redis { get; private set; } = null!;

    public AzuriteServer Azurite { get; private set; } = null!;

    public RegistryHost Registry { get; private set; } = null!;

    public AggregatorHost Aggregator { get; private set; } = null!;

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public RegistryFaults Faults { get; } = new();

    public BodyReads BodyReads { get; } = new();

    /// <summary>The aggregator as its real callers use it: the scheduler's service token, each site's own for its uploads.</summary>
    public AggregatorClient AggregatorClient() => new(Aggregator.CreateClient(), Tokens);

    /// <summary>The registry as a coordinator uses it: publish version 0, read what the aggregator published.</summary>
    public RegistryClient RegistryClient() => new(Client(Registry, Tokens.Coordinator()));

    /// <summary>A client of <paramref name="host"/> whose every call carries <paramref name="token"/> (none if null).</summary>
    public static HttpClient Client<T>(WebApplicationFactory<T> host, string? token) where T : class
    {
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Azurite = await AzuriteServer.StartAsync();
        Registry = new RegistryHost(Redis.ConnectionString, Azurite.ConnectionString, Tokens);
        Aggregator = new AggregatorHost(Redis.ConnectionString, Azurite.ConnectionString, Tokens, Registry, Clock, Faults, BodyReads);
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
