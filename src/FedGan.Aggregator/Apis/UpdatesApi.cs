using FedGan.Contracts;
using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Aggregator.Apis;

/// <summary>Sites' uploads: one update per site and round, as a safetensors body.</summary>
public static class UpdatesApi
{
    public const string UpdateMediaType = "application/octet-stream";

    /// <summary>Uploads: for the site whose site_id is in the route, once authorization is on.</summary>
    public static RouteGroupBuilder MapUpdatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/rounds/{round:int}/updates/{siteId}").WithTags("Updates")
            // A site uploads and reads only its own update; services and coordinators may read any.
            .RequireAuthorization(FedGanPolicies.ReadOrSite)
            .RequireOwnSite();

        api.MapPut("/", Upload)
            .RequireAuthorization(FedGanPolicies.Site)
            .Accepts<Stream>(UpdateMediaType)
            .WithName("UploadUpdate")
            .WithSummary("Upload a site's update (local minus global weights) as safetensors F32/F16/BF16 with num_samples in its metadata. Idempotent per site and round.");
        api.MapGet("/", GetReceipt)
            .WithName("GetUpdateReceipt")
            .WithSummary("The receipt of a site's accepted update.");
        return api;
    }

    public static async Task<Results<Ok<UpdateReceipt>, Created<UpdateReceipt>, ProblemHttpResult>> Upload(
        string studyId, int round, string siteId, HttpRequest request, [AsParameters] AggregatorServices services,
        CancellationToken cancellationToken)
    {
        if (RequestChecks.Ids(studyId, round, siteId) is { } badId)
            return badId;
        if (!string.Equals(request.ContentType, UpdateMediaType, StringComparison.OrdinalIgnoreCase))
            return ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body is not an update.",
                $"An update is sent as {UpdateMediaType} (the safetensors bytes), not '{request.ContentType ?? "no content type"}'.");

        var outcome = await services.Intake.AcceptAsync(studyId, round, siteId, request, cancellationToken);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/studies/{studyId}/rounds/{round}/updates/{siteId}", outcome.Value),
            _ => TypedResults.Ok(outcome.Value),
        };
    }

    public static async Task<Results<Ok<UpdateReceipt>, ProblemHttpResult>> GetReceipt(
        string studyId, int round, string siteId, [AsParameters] AggregatorServices services)
    {
        if (RequestChecks.Ids(studyId, round, siteId) is { } badId)
            return badId;
        if (await services.Rounds.GetAsync(studyId, round) is null)
            return Uploads.UploadErrors.RoundNotFound(studyId, round).ToProblem();
        return await services.Rounds.GetReceiptAsync(studyId, round, siteId) is { } staged
            ? TypedResults.Ok(staged.Receipt)
            : ApiProblem.NotFound(ErrorCodes.UpdateNotFound, $"Site '{siteId}' has no accepted update in round {round}.");
    }
}
