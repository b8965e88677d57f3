using FedGan.PrivacyAccountant.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.PrivacyAccountant.Apis;

public static class SpendingApi
{
    public static IEndpointRouteBuilder MapSpendingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}").WithTags("Spending");

        api.MapGet("/spending", GetStudySpending)
            .WithName("GetStudySpending")
            .WithSummary("Epsilon spent and remaining for every site of a study, and the study-wide epsilon.")
            .RequireAuthorization(FedGanPolicies.Read);
        api.MapGet("/sites/{siteId}/spending", GetSiteSpending)
            .WithName("GetSiteSpending")
            .WithSummary("Epsilon spent, reserved and remaining for one site (a site may read its own only).")
            .RequireAuthorization(FedGanPolicies.ReadOrSite)
            .RequireOwnSite();
        api.MapGet("/ledger", GetLedger)
            .WithName("GetLedger")
            .WithSummary("Every mechanism application of the study: round, site, noise, sampling rate, steps, clipping bound, status.")
            .RequireAuthorization(FedGanPolicies.Read);
        return app;
    }

    public static async Task<Results<Ok<StudySpending>, ProblemHttpResult>> GetStudySpending(string studyId, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        return await services.Spending.ForStudyAsync(studyId) is { } spending
            ? TypedResults.Ok(spending)
            : LedgerErrors.BudgetNotFound(studyId).ToProblem();
    }

    public static async Task<Results<Ok<SiteSpending>, ProblemHttpResult>> GetSiteSpending(
        string studyId, string siteId, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId, siteId) is { } badId)
        {
            return badId;
        }

        return await services.Spending.ForSiteAsync(studyId, siteId) is { } spending
            ? TypedResults.Ok(spending)
            : LedgerErrors.BudgetNotFound(studyId).ToProblem();
    }

    public static async Task<Results<Ok<IReadOnlyList<LedgerEntry>>, ProblemHttpResult>> GetLedger(string studyId, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        return await services.Spending.EntriesAsync(studyId) is { } entries
            ? TypedResults.Ok(entries)
            : LedgerErrors.BudgetNotFound(studyId).ToProblem();
    }
}
