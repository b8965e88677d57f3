using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Rounds;
using FedGan.RoundScheduler.Studies;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedGan.RoundScheduler.Tests;

/// <summary>
/// The real RoundScheduler on a real Redis. The loop that drives rounds (and calls the accountant and
/// aggregator) is not started: tests put a study and its open round in the scheduler's own store,
/// as opening a round leaves them, and exercise the site-facing API on them.
/// </summary>
public sealed class SchedulerHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private RedisServer _redis = null!;

    public TestTokens Tokens { get; } = new();

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>A study enrolling <paramref name="sites"/> with round 1 open and every site admitted.</summary>
    public async Task<RoundRecord> OpenRoundAsync(string studyId, params IReadOnlyList<string> sites)
    {
        await SchedulerStudies.CreateActiveAsync(Services, studyId, "decline test", sites, new RoundPolicy(Rounds: 1, Quorum: 1));
        var now = DateTimeOffset.UtcNow;
        return await Services.GetRequiredService<StudyStore>().CreateRoundOnceAsync(new RoundRecord(studyId, 1, RoundState.Open, 0, new string('a', 64), now, now.AddMinutes(15),
            sites, [], sites.ToDictionary(site => site, _ => 0.5), []));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", _redis.ConnectionString);
        builder.ConfigureTestServices(services =>
        {
            Tokens.Register(services);
            Tokens.RegisterServiceCredential(services, "roundscheduler");
            var roundLoop = services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(RoundCoordinator));
            services.Remove(roundLoop);
        });
    }
}
