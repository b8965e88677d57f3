using System.Security.Claims;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Rounds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.RoundScheduler.Apis;

public static class RoundsApi
{
    public static IEndpointRouteBuilder MapRoundsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/rounds").WithTags("Rounds");

        api.MapGet("/", ListRounds)
            .RequireAuthorization(FedGanPolicies.Read)
            .WithName("ListRounds")
            .WithSummary("Every round of a study so far, with admitted, uploading and contributing sites.");
        api.MapGet("/{round:int}", GetRound)
            .RequireAuthorization(FedGanPolicies.ReadOrSite)
            .WithName("GetRound")
            .WithSummary("One round's state (sites: only rounds of studies they are enrolled in).");
        api.MapPost("/{round:int}/close", CloseRound)
            .RequireAuthorization(FedGanPolicies.Coordinator)
            .WithName("CloseRound")
            .WithSummary("Close an open round now: it is aggregated with the updates already accepted.");
        api.MapPost("/{round:int}/resolution", ResolveRound)
            .RequireAuthorization(FedGanPolicies.Coordinator)
            .WithName("ResolveRound")
            .WithSummary("Resolve a stuck round: retry its step now, or fail it and release every reservation it holds.");
        return app;
    }

    public static async Task<Results<Ok<List<RoundInfo>>, ProblemHttpResult>> ListRounds(string studyId, [AsParameters] SchedulerServices services)
    {
        if (await services.Store.GetStudyAsync(studyId) is not { } study)
        {
            return ApiProblem.NotFound(ErrorCodes.StudyNotFound, $"There is no study '{studyId}'.");
        }

        var rounds = await services.Store.GetRoundsAsync(studyId, study.CurrentRound);
        return TypedResults.Ok(rounds.Select(r => r.ToInfo()).ToList());
    }

    public static async Task<Results<Ok<RoundInfo>, ProblemHttpResult>> GetRound(
        string studyId, int round, ClaimsPrincipal user, [AsParameters] SchedulerServices services)
    {
        var study = await services.Store.GetStudyAsync(studyId);
        // A site sees only the studies it is enrolled in; to it, any other study does not exist.
        var visible = study is not null
            && (!user.IsInRole(Roles.Site) || study.Definition.Sites.Contains(user.FindFirst(FedGanClaims.SiteId)?.Value));
        return visible && await services.Store.GetRoundAsync(studyId, round) is { } record
            ? TypedResults.Ok(record.ToInfo())
            : ApiProblem.NotFound(ErrorCodes.RoundNotFound, $"Study '{studyId}' has no round {round}.");
    }

    public static async Task<Results<Ok<RoundInfo>, ProblemHttpResult>> CloseRound(string studyId, int round, [AsParameters] SchedulerServices services)
    {
        var record = await services.Lifecycle.CloseNowAsync(studyId, round);
        return record is null
            ? ApiProblem.NotFound(ErrorCodes.RoundNotFound, $"Study '{studyId}' has no round {round}.")
            : TypedResults.Ok(record.ToInfo());
    }

    public static async Task<Results<Ok<RoundInfo>, ProblemHttpResult>> ResolveRound(
        string studyId, int round, RoundResolution resolution, [AsParameters] SchedulerServices services, CancellationToken cancellationToken)
    {
        if (resolution.Action is not { } action || !RoundResolutionActions.All.Contains(action))
        {
            return ApiProblem.Validation(ErrorCodes.ResolutionInvalid,
                $"'action' must be one of: {string.Join(", ", RoundResolutionActions.All)}.");
        }

        if (resolution.Reason is { Length: > 500 })
        {
            return ApiProblem.Validation(ErrorCodes.ResolutionInvalid, "'reason' must be at most 500 characters.");
        }

        var (outcome, record, detail) = await services.Resolutions.ResolveAsync(studyId, round, resolution, cancellationToken);
        return outcome switch
        {
            ResolutionOutcome.Resolved => TypedResults.Ok(record!.ToInfo()),
            ResolutionOutcome.RoundNotFound => ApiProblem.NotFound(ErrorCodes.RoundNotFound, $"Study '{studyId}' has no round {round}."),
            ResolutionOutcome.NotStuck => ApiProblem.Conflict(ErrorCodes.RoundNotStuck,
                $"Round {round} of study '{studyId}' is {record!.State.ToString().ToLowerInvariant()} and not stuck: there is nothing to resolve."),
            _ => ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.AccountantUnavailable,
                "The privacy accountant could not release the round's reservations.", $"{detail} The round stays stuck; try again."),
        };
    }
}
