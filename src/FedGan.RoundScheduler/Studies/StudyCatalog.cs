using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Clients;
using FedGan.RoundScheduler.Rounds;

namespace FedGan.RoundScheduler.Studies;

/// <summary>The outcome of creating a study: the study, whether it is new, or why it was refused.</summary>
public sealed record StudyCreation(StoredStudy? Study, bool Created, int Status, string? Code, string? Detail);

/// <summary>Creates studies: checks version 0 is in the registry, sets the privacy budget, opens round 1.</summary>
public sealed class StudyCatalog(StudyStore store, ModelRegistryClient registry, PrivacyAccountantClient privacy,
    RoundLifecycle lifecycle, TimeProvider clock, ILogger<StudyCatalog> logger)
{
    public async Task<StudyCreation> CreateAsync(StudyDefinition definition, CancellationToken cancellationToken)
    {
        if (StudyValidator.FindProblem(definition) is { } problem)
        {
            return new StudyCreation(null, false, 400, ErrorCodes.StudyDefinitionInvalid, problem);
        }

        if (await store.GetStudyAsync(definition.StudyId) is { } existing)
        {
            return SameDefinition(existing.Definition, definition)
                ? new StudyCreation(existing, false, 200, null, null)
                : new StudyCreation(null, false, 409, ErrorCodes.StudyExists, $"Study '{definition.StudyId}' exists with a different definition.");
        }

        var initial = await registry.GetVersionAsync(definition.StudyId, 0, cancellationToken);
        if (initial is null)
        {
            return new StudyCreation(null, false, 422, ErrorCodes.InitialVersionMissing,
                $"Version 0 of study '{definition.StudyId}' is not in the model registry: upload the initial model first.");
        }

        if (initial.Model.Architecture != definition.Architecture)
        {
            return new StudyCreation(null, false, 422, ErrorCodes.StudyDefinitionInvalid,
                "The architecture differs from the one version 0 of the model was built with.");
        }

        await privacy.SetBudgetAsync(definition.StudyId, definition.Privacy, cancellationToken);
        var study = new StoredStudy(definition, StudyStatus.Active, CurrentRound: 1, LatestVersion: 0, clock.GetUtcNow());
        if (!await store.TryCreateStudyAsync(study))
        {
            // Created concurrently by another request: answer as for an existing study.
            return await CreateAsync(definition, cancellationToken);
        }

        logger.LogInformation("Created study {StudyId} with {Sites} sites and {Rounds} rounds", definition.StudyId, definition.Sites.Count, definition.Rounds.Rounds);
        try
        {
            await lifecycle.AdvanceAsync(definition.StudyId, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or UpstreamProblemException)
        {
            // The coordinator loop opens the round as soon as the other services answer.
            logger.LogWarning(ex, "Round 1 of study {StudyId} will open on the next tick", definition.StudyId);
        }

        return new StudyCreation(await store.GetStudyAsync(definition.StudyId), true, 201, null, null);
    }

    private static bool SameDefinition(StudyDefinition a, StudyDefinition b) =>
        System.Text.Json.JsonSerializer.Serialize(a, ContractJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, ContractJson.Options);
}
