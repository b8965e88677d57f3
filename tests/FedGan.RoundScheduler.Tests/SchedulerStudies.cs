using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Studies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FedGan.RoundScheduler.Tests;

/// <summary>What the scheduler test hosts share: a valid study put straight into the store, and a client with a token.</summary>
internal static class SchedulerStudies
{
    /// <summary>An active study at round 1 (no round record yet), checked by the scheduler's own validator first.</summary>
    public static async Task<StudyDefinition> CreateActiveAsync(IServiceProvider services, string studyId, string name,
        IReadOnlyList<string> sites, RoundPolicy rounds)
    {
        var definition = new StudyDefinition(studyId, name, new ModelArchitecture(), sites,
            new TrainingSettings(), new PrivacySettings(1.1, 0.01, 1.0, 1e-5, 8), new UpdateSettings(1.0),
            new AggregationSettings(), rounds);
        Assert.Null(StudyValidator.FindProblem(definition));
        Assert.True(await services.GetRequiredService<StudyStore>().TryCreateStudyAsync(
            new StoredStudy(definition, StudyStatus.Active, CurrentRound: 1, LatestVersion: 0, DateTimeOffset.UtcNow)));
        return definition;
    }

    public static HttpClient ClientWith<TEntryPoint>(this WebApplicationFactory<TEntryPoint> host, string token) where TEntryPoint : class
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }
}
