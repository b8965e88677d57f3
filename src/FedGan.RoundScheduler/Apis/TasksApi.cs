using FedGan.Contracts;
using FedGan.Contracts.Studies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.RoundScheduler.Apis;

public static class TasksApi
{
    /// <summary>Long polls are capped well under common proxy idle timeouts.</summary>
    public const int MaxWaitSeconds = 30;

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/sites/{siteId}/tasks").WithTags("Tasks")
            .MapGet("/", GetTask)
            .RequireAuthorization(FedGanPolicies.Site)
            .RequireOwnSite()
            .WithName("GetTask")
            .WithSummary("The site's next training task (200), or none within `wait` seconds (204). Edge trainers poll this outbound.");
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
}
