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
        var definition = new StudyDefinition(studyId, "decline test", new ModelArchitecture(), sites,
            new TrainingSettings(), new PrivacySettings(1.1, 0.01, 1.0, 1e-5, 8), new UpdateSettings(1.0),
            new AggregationSettings(), new RoundPolicy(Rounds: 1, Quorum: 1));
        Assert.Null(StudyValidator.FindProblem(definition));
        var store = Services.GetRequiredService<StudyStore>();
        Assert.True(await store.TryCreateStudyAsync(
            new StoredStudy(definition, StudyStatus.Active, CurrentRound: 1, LatestVersion: 0, DateTimeOffset.UtcNow)));
        var now = DateTimeOffset.UtcNow;
        return await store.CreateRoundOnceAsync(new RoundRecord(studyId, 1, RoundState.Open, 0, new string('a', 64), now, now.AddMinutes(15),
            sites, [], sites.ToDictionary(site => site, _ => 0.5), []));
    }

    public HttpClient ClientWith(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
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
