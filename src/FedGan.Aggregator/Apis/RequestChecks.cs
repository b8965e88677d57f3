using FedGan.Aggregation;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Aggregator.Apis;

/// <summary>Turns a bad request into the problem that says what is wrong with it.</summary>
internal static class RequestChecks
{
    public static ProblemHttpResult? Ids(string studyId, int round, string? siteId = null)
    {
        if (!ResourceIds.IsValid(studyId))
            return ApiProblem.Validation("invalid_study_id", $"Study id '{studyId}' is not valid: {ResourceIds.Description}.");
        if (siteId is not null && !ResourceIds.IsValid(siteId))
            return ApiProblem.Validation("invalid_site_id", $"Site id '{siteId}' is not valid: {ResourceIds.Description}.");
        return round < 1 ? ApiProblem.Validation("invalid_round", $"Round {round} is not valid: rounds count from 1.") : null;
    }

    public static ProblemHttpResult? Registration(RoundRegistration? registration, AggregatorOptions options)
    {
        if (registration is null)
            return Invalid("A round registration body is required.");
        if (registration.BaseVersion < 0)
            return Invalid("base_version must be 0 or more.");
        if (registration.AdmittedSites is not { Count: > 0 } sites)
            return Invalid("admitted_sites must list at least one site.");
        if (sites.FirstOrDefault(s => !ResourceIds.IsValid(s)) is { } badSite)
            return Invalid($"admitted site '{badSite}' is not a valid site id: {ResourceIds.Description}.");
        if (sites.Distinct(StringComparer.Ordinal).Count() != sites.Count)
            return Invalid("admitted_sites lists a site twice.");
        if (registration.Deadline == default)
            return Invalid("deadline is required.");
        if (!(registration.UpdateClipNorm > 0) || !double.IsFinite(registration.UpdateClipNorm))
            return Invalid("update_clip_norm must be a positive number.");
        if (ServerOptimizer.Validate(registration.Aggregation) is { } invalid)
            return Invalid(invalid);
        return registration.Aggregation.ServerNoiseMultiplier > 0 && options.ServerNoiseKey is not { Length: >= 16 }
            ? ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ServerNoiseUnconfigured, "The round cannot be run here.",
                "The round asks for server noise, but this aggregator has no Aggregator:ServerNoiseSecret (16 bytes or more) to seed it with.")
            : null;
    }

    public static ProblemHttpResult? Aggregation(AggregationRequest? request)
    {
        if (request?.EpsilonBySite is not { } epsilons)
            return null;
        if (epsilons.Keys.FirstOrDefault(s => !ResourceIds.IsValid(s)) is { } badSite)
            return Invalid($"epsilon_by_site names '{badSite}', which is not a valid site id.");
        return epsilons.Values.Any(e => !(e >= 0) || !double.IsFinite(e)) ? Invalid("every epsilon in epsilon_by_site must be a finite number >= 0.") : null;
    }

    public static ProblemHttpResult ToProblem(this ServiceError error) =>
        ApiProblem.Create(error.Status, error.Code, TitleFor(error.Status), error.Detail);

    private static ProblemHttpResult Invalid(string detail) => ApiProblem.Validation("invalid_request", detail);

    private static string TitleFor(int status) => status switch
    {
        400 => "The update could not be read.",
        403 => "Not allowed.",
        404 => "Not found.",
        409 => "The request conflicts with the round's state.",
        413 => "The update is too large.",
        422 => "The update cannot be used.",
        503 => "A dependency is unavailable; try again.",
        _ => "The request failed.",
    };
}
