using FedGan.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.ModelRegistry.Apis;

/// <summary>Checks of route values, and the problem-details form of the registry's refusals.</summary>
internal static class RequestValidation
{
    public static ProblemHttpResult? Ids(string studyId, int? version = null)
    {
        if (!ResourceIds.IsValid(studyId))
        {
            return ApiProblem.Validation("invalid_study_id", $"Study id '{studyId}' is not valid: {ResourceIds.Description}.");
        }

        return version is < 0 ? ApiProblem.Validation("invalid_version", $"Version {version} is not valid: versions count from 0.") : null;
    }

    public static ProblemHttpResult ToProblem(this RegistryError error) =>
        ApiProblem.Create(error.Status, error.Code, TitleFor(error.Status), error.Detail);

    private static string TitleFor(int status) => status switch
    {
        400 => "The request is not valid.",
        404 => "Not found.",
        409 => "The request conflicts with the current state.",
        413 => "The upload is too large.",
        415 => "Unsupported media type.",
        422 => "The request cannot be applied to this study.",
        _ => "The request was refused.",
    };
}
