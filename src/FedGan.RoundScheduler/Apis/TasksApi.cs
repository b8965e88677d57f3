using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Rounds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.RoundScheduler.Apis;

public static class TasksApi
{
    /// <summary>Long polls are capped well under common proxy idle timeouts.</summary>
    public const int MaxWaitSeconds = 30;

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sites/{siteId}/tasks").WithTags("Tasks")
            .RequireAuthorization(FedGanPolicies.Site)
            .RequireOwnSite();

        api.MapGet("/", GetTask)
            .WithName("GetTask")
            .WithSummary("The site's next training task (200), or none within `wait` seconds (204). Edge trainers poll this outbound.");
        api.MapPost("/{studyId}/rounds/{round:int}/decline", DeclineRound)
            .WithName("DeclineRound")
            .WithSummary("The site declines a round it was admitted to (its operator has not approved the study, or not on these terms): "
                + "the round shows it as declined, the task is no longer offered and its reservation is released when the round ends.");
        return app;
    }

    public static async Task<Results<Ok<TrainingTask>, NoContent, ProblemHttpResult>> GetTask(
        string siteId, int? wait, [AsParameters] SchedulerServices services, IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        // A long poll ends when the caller goes away or this replica shuts down (it must not hold
        // a shutdown up for the rest of its wait); the caller simply polls again.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var cancellationToken = linked.Token;
        if (!ResourceIds.IsValid(siteId))
        {
            return ApiProblem.Validation("invalid_site_id", $"Site id '{siteId}' is not valid: {ResourceIds.Description}.");
        }

        if (wait is < 0 or > MaxWaitSeconds)
        {
            return ApiProblem.Validation("invalid_request", $"wait must be between 0 and {MaxWaitSeconds} seconds.");
        }

        try
        {
            var task = await services.Tasks.WaitForTaskAsync(siteId, TimeSpan.FromSeconds(wait ?? 0), cancellationToken);
            return task is null ? TypedResults.NoContent() : TypedResults.Ok(task);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TypedResults.NoContent();
        }
    }

    public static async Task<Results<Ok<RoundInfo>, ProblemHttpResult>> DeclineRound(
        string siteId, string studyId, int round, RoundDecline decline, [AsParameters] SchedulerServices services)
    {
        if (!ResourceIds.IsValid(siteId) || !ResourceIds.IsValid(studyId))
        {
            return ApiProblem.Validation("invalid_request", $"Site and study ids must be {ResourceIds.Description}.");
        }

        if (!RoundDeclineReasons.IsKnown(decline.Reason))
        {
            return ApiProblem.Validation(ErrorCodes.DeclineReasonInvalid,
                $"reason '{decline.Reason}' is not one of {string.Join(", ", RoundDeclineReasons.All)}.");
        }

        if (decline.Detail is { Length: > RoundDeclineReasons.MaxDetailLength })
        {
            return ApiProblem.Validation("invalid_request", $"detail is longer than {RoundDeclineReasons.MaxDetailLength} characters.");
        }

        var (outcome, record) = await services.Declines.DeclineAsync(siteId, studyId, round, decline);
        return outcome switch
        {
            DeclineOutcome.Recorded => TypedResults.Ok(record!.ToInfo()),
            DeclineOutcome.StudyNotFound => ApiProblem.NotFound(ErrorCodes.StudyNotFound, $"Site '{siteId}' is not enrolled in a study '{studyId}'."),
            DeclineOutcome.RoundNotFound => ApiProblem.NotFound(ErrorCodes.RoundNotFound, $"Study '{studyId}' has no round {round}."),
            DeclineOutcome.RoundNotOpen => ApiProblem.Conflict(ErrorCodes.RoundClosed, $"Round {round} of study '{studyId}' is {record!.State}, not open."),
            DeclineOutcome.NotAdmitted => ApiProblem.Conflict(ErrorCodes.SiteNotAdmitted, $"Site '{siteId}' was not admitted to round {round} of study '{studyId}'."),
            _ => ApiProblem.Conflict(ErrorCodes.SiteAlreadyUploaded, $"Site '{siteId}' already uploaded its update for round {round} of study '{studyId}'."),
        };
    }
}
