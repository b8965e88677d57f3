using FedGan.Contracts;
using FedGan.Contracts.Studies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.RoundScheduler.Apis;

public static class StudiesApi
{
    public static IEndpointRouteBuilder MapStudiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies").WithTags("Studies");

        api.MapPost("/", CreateStudy)
            .RequireAuthorization(FedGanPolicies.Coordinator)
            .WithName("CreateStudy")
            .WithSummary("Create a study (version 0 of its model must be in the registry): sets its privacy budget and opens round 1. Idempotent.");
        api.MapGet("/", ListStudies)
            .RequireAuthorization(FedGanPolicies.Read)
            .WithName("ListStudies")
            .WithSummary("Every study with its status, current round and latest version.");
        api.MapGet("/{studyId}", GetStudy)
            .RequireAuthorization(FedGanPolicies.Read)
            .WithName("GetStudy")
            .WithSummary("A study's definition and where it stands.");
        return app;
    }

    public static async Task<Results<Created<StudySummary>, Ok<StudySummary>, ProblemHttpResult>> CreateStudy(
        StudyDefinition definition, [AsParameters] SchedulerServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Catalog.CreateAsync(definition, cancellationToken);
        return outcome switch
        {
            { Study: { } study, Created: true } => TypedResults.Created($"/studies/{definition.StudyId}", study.ToSummary()),
            { Study: { } study } => TypedResults.Ok(study.ToSummary()),
            _ => ApiProblem.Create(outcome.Status, outcome.Code!, "The study was not created.", outcome.Detail),
        };
    }

    public static async Task<Ok<List<StudySummary>>> ListStudies([AsParameters] SchedulerServices services)
    {
        var studies = new List<StudySummary>();
        foreach (var id in await services.Store.StudyIdsAsync())
        {
            if (await services.Store.GetStudyAsync(id) is { } study)
            {
                studies.Add(study.ToSummary());
            }
        }

        return TypedResults.Ok(studies);
    }

    public static async Task<Results<Ok<StudySummary>, ProblemHttpResult>> GetStudy(string studyId, [AsParameters] SchedulerServices services) =>
        await services.Store.GetStudyAsync(studyId) is { } study
            ? TypedResults.Ok(study.ToSummary())
            : ApiProblem.NotFound(ErrorCodes.StudyNotFound, $"There is no study '{studyId}'.");
}
