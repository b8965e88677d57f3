using FedGan.Contracts;
using FedGan.PrivacyAccountant.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.PrivacyAccountant.Apis;

/// <summary>Turns requests into ledger values, or into the problem that says what is wrong with them.</summary>
internal static class RequestValidation
{
    public static ProblemHttpResult? Ids(string studyId, string? siteId = null, int? round = null)
    {
        if (!ResourceIds.IsValid(studyId))
        {
            return ApiProblem.Validation("invalid_study_id", $"Study id '{studyId}' is not valid: {ResourceIds.Description}.");
        }

        if (siteId is not null && !ResourceIds.IsValid(siteId))
        {
            return ApiProblem.Validation("invalid_site_id", $"Site id '{siteId}' is not valid: {ResourceIds.Description}.");
        }

        return round is < 1 ? ApiProblem.Validation("invalid_round", $"Round {round} is not valid: rounds count from 1.") : null;
    }

    public static (StudyBudget? Budget, ProblemHttpResult? Problem) Budget(SetStudyBudgetRequest request, EpsilonCalculator calculator)
    {
        var accountant = request.Accountant ?? EpsilonCalculator.DefaultAccountant;
        var unit = request.PrivacyUnit ?? PrivacyUnits.Record;
        if (request.EpsilonMax is not (> 0 and < double.PositiveInfinity))
        {
            return (null, Invalid("epsilon_max must be a positive number."));
        }

        if (request.Delta is not (> 0 and < 1))
        {
            return (null, Invalid("delta must be strictly between 0 and 1."));
        }

        if (!calculator.IsKnown(accountant))
        {
            return (null, Invalid($"accountant must be one of: {string.Join(", ", calculator.AccountantNames)}."));
        }

        return PrivacyUnits.IsKnown(unit)
            ? (new StudyBudget(request.EpsilonMax.Value, request.Delta.Value, accountant, unit), null)
            : (null, Invalid($"privacy_unit must be '{PrivacyUnits.Record}' or '{PrivacyUnits.Patient}'."));
    }

    public static (SiteBudget? Budget, ProblemHttpResult? Problem) SiteBudget(SetSiteBudgetRequest request) =>
        request.EpsilonMax is > 0 and < double.PositiveInfinity
            ? (new SiteBudget(request.EpsilonMax.Value), null)
            : (null, Invalid("epsilon_max must be a positive number."));

    public static (Mechanism? Mechanism, ProblemHttpResult? Problem) Mechanism(ReserveRequest request)
    {
        if (request.NoiseMultiplier is not (>= 0 and < double.PositiveInfinity))
        {
            return (null, Invalid("noise_multiplier must be a number >= 0."));
        }

        if (request.SamplingRate is not (>= 0 and <= 1))
        {
            return (null, Invalid("sampling_rate must be between 0 and 1."));
        }

        if (request.Steps is not >= 0)
        {
            return (null, Invalid("steps must be an integer >= 0."));
        }

        if (request.ClippingBound is not (> 0 and < double.PositiveInfinity))
        {
            return (null, Invalid("clipping_bound must be a positive number."));
        }

        var unit = request.PrivacyUnit ?? PrivacyUnits.Record;
        return PrivacyUnits.IsKnown(unit)
            ? (new Mechanism(request.NoiseMultiplier.Value, request.SamplingRate.Value, request.Steps.Value, request.ClippingBound.Value, unit), null)
            : (null, Invalid($"privacy_unit must be '{PrivacyUnits.Record}' or '{PrivacyUnits.Patient}'."));
    }

    public static ProblemHttpResult ToProblem(this LedgerError error) =>
        ApiProblem.Create(error.Status, error.Code, TitleFor(error.Status), error.Detail, error.Facts);

    private static ProblemHttpResult Invalid(string detail) => ApiProblem.Validation("invalid_request", detail);

    private static string TitleFor(int status) => status switch
    {
        404 => "Not found.",
        409 => "The request conflicts with the ledger.",
        422 => "The request cannot be applied to this study.",
        503 => "Try again.",
        _ => "The request was refused.",
    };
}
