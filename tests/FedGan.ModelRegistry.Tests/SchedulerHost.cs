extern alias scheduler;

using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using scheduler::FedGan.RoundScheduler.Rounds;
using scheduler::FedGan.RoundScheduler.Studies;

namespace FedGan.ModelRegistry.Tests;

/// <summary>
/// The real RoundScheduler on the test run's Redis: the registry asks it which sites a study
/// enrolled (<c>GET /studies/{id}</c>), with its service token. Only its studies are used here, so
/// the loop that drives rounds (and would call the accountant and aggregator) is not started.
/// </summary>
public sealed class SchedulerHost(string redis, TestTokens tokens) : WebApplicationFactory<scheduler::Program>
{
    /// <summary>
    /// Stores a study enrolling <paramref name="sites"/> as creating it does (the scheduler's own
    /// store, plain Redis keys), without the calls to the accountant and the registry creation makes.
    /// </summary>
    public async Task EnrollAsync(string studyId, params IReadOnlyList<string> sites)
    {
        var definition = new StudyDefinition(studyId, "registry access test", new ModelArchitecture(), sites,
            new TrainingSettings(), new PrivacySettings(1.1, 0.01, 1.0, 1e-5, 8), new UpdateSettings(1.0),
            new AggregationSettings(), new RoundPolicy(Rounds: 3, Quorum: sites.Count));
        Assert.Null(StudyValidator.FindProblem(definition));
        var store = Services.GetRequiredService<StudyStore>();
        Assert.True(await store.TryCreateStudyAsync(
            new StoredStudy(definition, StudyStatus.Active, CurrentRound: 1, LatestVersion: 0, DateTimeOffset.UtcNow)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.ConfigureTestServices(services =>
        {
            tokens.Register(services);
            tokens.RegisterServiceCredential(services, "roundscheduler");
            var roundLoop = services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(RoundCoordinator));
            services.Remove(roundLoop);
        });
    }
}
