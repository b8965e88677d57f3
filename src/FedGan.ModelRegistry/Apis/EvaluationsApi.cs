using FedGan.Contracts.Models;
using FedGan.ModelRegistry.Access;
using FedGan.ModelRegistry.Versions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.ModelRegistry.Apis;

/// <summary>Scores of a version (TSTR, Frechet distance, recall per class) kept beside it; `fedgan models evaluate` records them.</summary>
public static class EvaluationsApi
{
    public static IEndpointRouteBuilder MapEvaluationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/studies/{studyId}/evaluations").WithTags("Evaluations")
            .RequireAuthorization(FedGanPolicies.ReadOrSite)
            .AddEndpointFilter<SiteEnrollmentFilter>()
            .MapGet("/", List)
            .WithName("ListEvaluations")
            .WithSummary("Every recorded evaluation of the study's versions, by version and then by time.");
        app.MapGroup("/studies/{studyId}/versions/{version:int}/evaluations").WithTags("Evaluations")
            .RequireAuthorization(FedGanPolicies.Operate)
            .MapPost("/", Record)
            .WithName("RecordEvaluation")
            .WithSummary("Record an evaluation of a version. It must name the version and its weights hash; scores must be in range.");
        return app;
    }

    public static async Task<Results<Created<ModelEvaluation>, ProblemHttpResult>> Record(
        string studyId, int version, ModelEvaluation evaluation, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId, version) is { } badId)
        {
            return badId;
        }

        if (await services.Manifests.ReadAsync(studyId, version, cancellationToken) is not { } manifest)
        {
            return RegistryErrors.VersionNotFound(studyId, version).ToProblem();
        }

        if (EvaluationRules.Check(manifest, evaluation) is { } refused)
        {
            return refused.ToProblem();
        }

        await services.Evaluations.AddAsync(evaluation, cancellationToken);
        return TypedResults.Created($"/studies/{studyId}/evaluations", evaluation);
    }

    public static async Task<Results<Ok<IReadOnlyList<ModelEvaluation>>, ProblemHttpResult>> List(
        string studyId, [AsParameters] RegistryServices services, CancellationToken cancellationToken) =>
        RequestValidation.Ids(studyId) is { } badId ? badId : TypedResults.Ok(await services.Evaluations.ReadAllAsync(studyId, cancellationToken));
}
