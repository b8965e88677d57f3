using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Aggregator.Apis;

/// <summary>Closing a round and publishing its aggregate.</summary>
public static class AggregationApi
{
    /// <summary>For the scheduler (service) and coordinators once authorization is on.</summary>
    public static RouteGroupBuilder MapAggregationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/rounds/{round:int}/aggregation").WithTags("Aggregation")
            .RequireAuthorization(FedGanPolicies.Operate);

        api.MapPost("/", Aggregate)
            .WithName("AggregateRound")
            .WithSummary("Close the round (no upload is accepted after) and publish version base + 1 from its accepted updates. Idempotent: a re-run returns the same version.");
        return api;
    }

    public static async Task<Results<Ok<AggregationResult>, ProblemHttpResult>> Aggregate(
        string studyId, int round, AggregationRequest? request, [AsParameters] AggregatorServices services, CancellationToken cancellationToken)
    {
        if (RequestChecks.Ids(studyId, round) is { } badId)
            return badId;
        if (RequestChecks.Aggregation(request) is { } invalid)
            return invalid;
        var outcome = await services.Aggregator.AggregateAsync(studyId, round, request ?? new AggregationRequest(null), cancellationToken);
        return outcome.Error is { } error ? error.ToProblem() : TypedResults.Ok(outcome.Value);
    }
}
