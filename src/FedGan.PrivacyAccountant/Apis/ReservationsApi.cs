using FedGan.PrivacyAccountant.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.PrivacyAccountant.Apis;

public static class ReservationsApi
{
    public static IEndpointRouteBuilder MapReservationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/rounds/{round:int}/sites/{siteId}/reservation").WithTags("Reservations")
            .RequireAuthorization(FedGanPolicies.Operate);

        api.MapPut("/", Reserve)
            .WithName("Reserve")
            .WithSummary("Reserve a site's privacy cost for a round; refused with privacy_budget_exceeded past the budget. Idempotent.");
        api.MapPost("/commit", Commit)
            .WithName("CommitReservation")
            .WithSummary("The site's update was used: its cost is spent. Idempotent.");
        api.MapPost("/release", Release)
            .WithName("ReleaseReservation")
            .WithSummary("The site's update was not used: its reservation is returned. Idempotent.");
        return app;
    }

    public static async Task<Results<Ok<Reservation>, Created<Reservation>, ProblemHttpResult>> Reserve(
        string studyId, int round, string siteId, ReserveRequest request, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId, siteId, round) is { } badId)
        {
            return badId;
        }

        var (mechanism, problem) = RequestValidation.Mechanism(request);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await services.Ledger.ReserveAsync(studyId, round, siteId, mechanism!);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/studies/{studyId}/rounds/{round}/sites/{siteId}/reservation", outcome.Value),
            _ => TypedResults.Ok(outcome.Value),
        };
    }

    public static Task<Results<Ok<Reservation>, ProblemHttpResult>> Commit(
        string studyId, int round, string siteId, [AsParameters] PrivacyServices services) =>
        Settle(studyId, round, siteId, () => services.Ledger.CommitAsync(studyId, round, siteId));

    public static Task<Results<Ok<Reservation>, ProblemHttpResult>> Release(
        string studyId, int round, string siteId, [AsParameters] PrivacyServices services) =>
        Settle(studyId, round, siteId, () => services.Ledger.ReleaseAsync(studyId, round, siteId));

    private static async Task<Results<Ok<Reservation>, ProblemHttpResult>> Settle(
        string studyId, int round, string siteId, Func<Task<LedgerOutcome<Reservation>>> settle)
    {
        if (RequestValidation.Ids(studyId, siteId, round) is { } badId)
        {
            return badId;
        }

        var outcome = await settle();
        return outcome.Error is { } error ? error.ToProblem() : TypedResults.Ok(outcome.Value);
    }
}
