using FedGan.Contracts.Models;
using FedGan.ModelRegistry.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FedGan.ModelRegistry.Apis;

public static class VersionsApi
{
    public const string ContentSha256Header = "X-Content-SHA256";

    public static IEndpointRouteBuilder MapVersionsApi(this IEndpointRouteBuilder app)
    {
        // Reads (coordinator, site, auditor, service) and writes (service, coordinator) are separate
        // groups so that each gets its own authorization policy.
        var reads = app.MapGroup("/studies/{studyId}/versions").WithTags("Versions")
            .RequireAuthorization(FedGanPolicies.ReadOrSite)
            .AddEndpointFilter<SiteEnrollmentFilter>();
        var writes = app.MapGroup("/studies/{studyId}/versions").WithTags("Versions").RequireAuthorization(FedGanPolicies.Operate);

        reads.MapGet("/", List)
            .WithName("ListVersions")
            .WithSummary("Every published version of the study with its lineage, oldest first.");
        reads.MapGet("/latest", Latest)
            .WithName("GetLatestVersion")
            .WithSummary("The newest published version of the study.");
        reads.MapGet("/{version:int}", Get)
            .WithName("GetVersion")
            .WithSummary("One version's manifest: weights hash and size, parent, round, contributions, epsilon, metrics.");
        reads.MapGet("/{version:int}/weights", DownloadWeights)
            .WithName("DownloadWeights")
            .WithSummary("The version's safetensors file, streamed; ETag and X-Content-SHA256 are its SHA-256. Supports If-None-Match and single byte ranges.");
        writes.MapPut("/{version:int}", Publish)
            .WithName("PublishVersion")
            .WithSummary("Publish a version (write-once): version 0 with its model, version v with parent v-1 and its round. Repeating the same publication is accepted.");
        return app;
    }

    public static async Task<Results<Created<ModelVersionManifest>, Ok<ModelVersionManifest>, ProblemHttpResult>> Publish(
        string studyId, int version, PublishVersionRequest request, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId, version) is { } badId)
        {
            return badId;
        }

        var outcome = await services.Publisher.PublishAsync(studyId, version, request, cancellationToken);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/studies/{studyId}/versions/{version}", outcome.Manifest),
            _ => TypedResults.Ok(outcome.Manifest),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<ModelVersionManifest>>, ProblemHttpResult>> List(
        string studyId, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        return TypedResults.Ok(await services.Manifests.ReadAllAsync(studyId, cancellationToken));
    }

    public static async Task<Results<Ok<ModelVersionManifest>, ProblemHttpResult>> Latest(
        string studyId, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        return await services.Manifests.ReadLatestAsync(studyId, cancellationToken) is { } manifest
            ? TypedResults.Ok(manifest)
            : RegistryErrors.NoVersions(studyId).ToProblem();
    }

    public static async Task<Results<Ok<ModelVersionManifest>, ProblemHttpResult>> Get(
        string studyId, int version, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId, version) is { } badId)
        {
            return badId;
        }

        return await services.Manifests.ReadAsync(studyId, version, cancellationToken) is { } manifest
            ? TypedResults.Ok(manifest)
            : RegistryErrors.VersionNotFound(studyId, version).ToProblem();
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadWeights(
        string studyId, int version, HttpContext context, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId, version) is { } badId)
        {
            return badId;
        }

        if (await services.Manifests.ReadAsync(studyId, version, cancellationToken) is not { } manifest)
        {
            return RegistryErrors.VersionNotFound(studyId, version).ToProblem();
        }

        var stream = await services.Weights.OpenReadAsync(studyId, manifest.WeightsSha256, cancellationToken);
        if (stream is null)
        {
            return RegistryErrors.WeightsNotFound(studyId, manifest.WeightsSha256).ToProblem();
        }

        context.Response.Headers[ContentSha256Header] = manifest.WeightsSha256;
        context.Response.OnCompleted(() =>
        {
            if (context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent
                && !context.RequestAborted.IsCancellationRequested && context.Response.ContentLength is { } sent)
            {
                RegistryMetrics.WeightsDownloaded(sent);
            }

            return Task.CompletedTask;
        });

        // The file result answers If-None-Match (304), Range (206, 416) and If-Range from the ETag,
        // seeking the stream to the range: the weights are content-addressed, so the hash is a strong ETag.
        return TypedResults.Stream(stream, "application/octet-stream", $"{studyId}-v{version}.safetensors",
            manifest.CreatedAt, new EntityTagHeaderValue($"\"{manifest.WeightsSha256}\""), enableRangeProcessing: true);
    }
}
