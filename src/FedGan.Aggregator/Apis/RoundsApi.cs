using FedGan.Aggregator.Rounds;
using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Aggregator.Apis;

/// <summary>Rounds as the scheduler registers them, and the receipts of their accepted updates.</summary>
public static class RoundsApi
{
    /// <summary>Registration and the receipt list: for the scheduler (service) and coordinators once authorization is on.</summary>
    public static RouteGroupBuilder MapRoundsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/rounds/{round:int}").WithTags("Rounds");

        api.MapPut("/", Register)
            .RequireAuthorization(FedGanPolicies.Operate)
            .WithName("RegisterRound")
            .WithSummary("Register a round the scheduler opened: base version, admitted sites, deadline, clip bound, aggregation. Idempotent.");
        api.MapGet("/updates", ListUpdates)
            .RequireAuthorization(FedGanPolicies.Read)
            .WithName("ListUpdates")
            .WithSummary("The receipts of the round's accepted updates, by site id.");
        return api;
    }

    public static async Task<Results<Ok<RoundRegistration>, Created<RoundRegistration>, ProblemHttpResult>> Register(
        string studyId, int round, RoundRegistration registration, [AsParameters] AggregatorServices services, CancellationToken cancellationToken)
    {
        if (RequestChecks.Ids(studyId, round) is { } badId)
            return badId;
        if (RequestChecks.Registration(registration, services.Options.Value) is { } invalid)
            return invalid;
        // The model's layout is fetched now, so uploads never wait on the registry.
        var model = await services.Models.GetAsync(studyId, cancellationToken);
        if (model.Error is { } error)
            return error.ToProblem();

        var canonical = RoundStore.Canonical(registration);
        return await services.Rounds.RegisterAsync(studyId, round, canonical) switch
        {
            RoundStore.RegistrationResult.Created => TypedResults.Created($"/studies/{studyId}/rounds/{round}", canonical),
            RoundStore.RegistrationResult.Same => TypedResults.Ok(canonical),
            _ => ApiProblem.Conflict(FedGan.Contracts.ErrorCodes.RoundConflict,
                $"Round {round} of study '{studyId}' is already registered with different settings."),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<UpdateReceipt>>, ProblemHttpResult>> ListUpdates(
        string studyId, int round, [AsParameters] AggregatorServices services)
    {
        if (RequestChecks.Ids(studyId, round) is { } badId)
            return badId;
        if (await services.Rounds.GetAsync(studyId, round) is null)
            return Uploads.UploadErrors.RoundNotFound(studyId, round).ToProblem();
        var updates = await services.Rounds.ListReceiptsAsync(studyId, round);
        return TypedResults.Ok<IReadOnlyList<UpdateReceipt>>(updates.Select(u => u.Receipt).ToList());
    }
}
