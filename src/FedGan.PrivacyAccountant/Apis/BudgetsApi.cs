using FedGan.PrivacyAccountant.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.PrivacyAccountant.Apis;

public static class BudgetsApi
{
    public static IEndpointRouteBuilder MapBudgetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}").WithTags("Budgets").RequireAuthorization(FedGanPolicies.Operate);

        api.MapPut("/budget", SetStudyBudget)
            .WithName("SetStudyBudget")
            .WithSummary("Set a study's privacy budget: epsilon_max at delta, accountant and privacy unit. Only epsilon_max may change later.");
        api.MapPut("/sites/{siteId}/budget", SetSiteBudget)
            .WithName("SetSiteBudget")
            .WithSummary("Set a site's own cap within a study (applies when stricter than the study's).");
        return app;
    }

    public static async Task<Results<Ok<StudyBudget>, Created<StudyBudget>, ProblemHttpResult>> SetStudyBudget(
        string studyId, SetStudyBudgetRequest request, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        var (budget, problem) = RequestValidation.Budget(request, services.Calculator);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await services.Ledger.SetBudgetAsync(studyId, budget!);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/studies/{studyId}/budget", outcome.Value),
            _ => TypedResults.Ok(outcome.Value),
        };
    }

    public static async Task<Results<Ok<SiteBudget>, ProblemHttpResult>> SetSiteBudget(
        string studyId, string siteId, SetSiteBudgetRequest request, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId, siteId) is { } badId)
        {
            return badId;
        }

        var (budget, problem) = RequestValidation.SiteBudget(request);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await services.Ledger.SetSiteBudgetAsync(studyId, siteId, budget!);
        return outcome.Error is { } error ? error.ToProblem() : TypedResults.Ok(outcome.Value);
    }
}
