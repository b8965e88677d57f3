using FedGan.Contracts.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FedGan.ModelRegistry.Apis;

public static class WeightsApi
{
    private const string OctetStream = "application/octet-stream";

    public static IEndpointRouteBuilder MapWeightsApi(this IEndpointRouteBuilder app)
    {
        // Writes (service, coordinator): authorization is added to this group.
        var writes = app.MapGroup("/studies/{studyId}/weights").WithTags("Weights").RequireAuthorization(FedGanPolicies.Operate);

        writes.MapPost("/", Upload)
            .WithName("UploadWeights")
            .WithSummary("Upload a safetensors weights file (F32), streamed; stored under its SHA-256. Uploading the same bytes again is accepted.")
            .Accepts<Stream>(OctetStream);
        return app;
    }

    public static async Task<Results<Ok<WeightsUploadResult>, ProblemHttpResult>> Upload(
        string studyId, HttpRequest request, [AsParameters] RegistryServices services, CancellationToken cancellationToken)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        if (request.ContentType is { } contentType
            && !(MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.MediaType.Equals(OctetStream, StringComparison.OrdinalIgnoreCase)))
        {
            return RegistryErrors.UnsupportedMediaType(contentType).ToProblem();
        }

        // The registry enforces its own limit (from Content-Length and from the header): the
        // server's default request-size limit (30 MB in Kestrel) must not cut a model short.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }

        try
        {
            return TypedResults.Ok(await services.Ingest.IngestAsync(studyId, request.Body, request.ContentLength, cancellationToken));
        }
        catch (WeightsRejectedException rejected)
        {
            return rejected.Error.ToProblem();
        }
    }
}
