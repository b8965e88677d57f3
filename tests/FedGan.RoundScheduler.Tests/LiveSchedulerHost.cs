using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Studies;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace FedGan.RoundScheduler.Tests;

/// <summary>
/// The real RoundScheduler with its round loop running, on a real Redis, whose registry, accountant
/// and aggregator are one <see cref="DependencyStandIn"/> the tests can make fail. Backoff is shortened
/// (0.4 s doubling to 1.6 s) so a test sees several retries in seconds.
/// </summary>
public sealed class LiveSchedulerHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(1600);

    private RedisServer _redis = null!;

    public TestTokens Tokens { get; } = new();

    public DependencyStandIn Dependencies { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        Dependencies = await DependencyStandIn.StartAsync();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dependencies.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>An active study at round 1 with no round yet: the loop opens it through the stand-in.</summary>
    public async Task CreateStudyAsync(string studyId, IReadOnlyList<string> sites, int quorum, int deadlineSeconds = 900, int graceSeconds = 0)
    {
        await SchedulerStudies.CreateActiveAsync(Services, studyId, "stuck-round test", sites,
            new RoundPolicy(Rounds: 1, Quorum: quorum, DeadlineSeconds: deadlineSeconds, GraceSeconds: graceSeconds));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", _redis.ConnectionString);
        foreach (var service in new[] { "privacyaccountant", "aggregator", "modelregistry" })
        {
            builder.UseSetting($"services:{service}:http:0", Dependencies.Url);
        }

        builder.UseSetting("RoundRetryOptions:FirstDelay", FirstDelay.ToString());
        builder.UseSetting("RoundRetryOptions:MaxDelay", MaxDelay.ToString());
        builder.ConfigureTestServices(services =>
        {
            Tokens.Register(services);
            Tokens.RegisterServiceCredential(services, "roundscheduler");
            // Each lifecycle attempt is then one call, so the round's attempt count is what the stand-in saw.
            services.ConfigureAll<HttpStandardResilienceOptions>(resilience =>
            {
                resilience.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
                resilience.CircuitBreaker.ShouldHandle = _ => ValueTask.FromResult(false);
            });
        });
    }
}
