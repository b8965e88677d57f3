using FedGan.Contracts;

namespace FedGan.ModelRegistry;

/// <summary>Why the registry refused a request; the API turns it into a problem-details response.</summary>
public sealed record RegistryError(int Status, string Code, string Detail);

/// <summary>An upload refused while it streams: thrown from deep in the pipeline, answered by the API.</summary>
public sealed class WeightsRejectedException(RegistryError error) : Exception(error.Detail)
{
    public RegistryError Error { get; } = error;
}

/// <summary>The stable codes and messages of the registry's refusals.</summary>
internal static class RegistryErrors
{
    public static RegistryError InvalidRequest(string detail) => new(400, "invalid_request", detail);

    public static RegistryError WeightsMalformed(string detail) =>
        new(400, ErrorCodes.WeightsMalformed, $"The weights file is not a valid safetensors file: {detail}");

    public static RegistryError WeightsNotFinite(string tensor, long element) =>
        new(400, ErrorCodes.WeightsNotFinite,
            $"Tensor '{tensor}' holds a non-finite value (NaN or infinity) at element {element}; model weights must be finite.");

    public static RegistryError WeightsTooLarge(long size, long limit) =>
        new(413, "payload_too_large", $"The weights file is {size} bytes; this registry accepts at most {limit}.");

    public static RegistryError UnsupportedMediaType(string contentType) =>
        new(415, "unsupported_media_type", $"Weights are uploaded as application/octet-stream (the raw safetensors bytes), not {contentType}.");

    public static RegistryError WeightsNotFound(string studyId, string sha256) =>
        new(404, ErrorCodes.WeightsNotFound, $"Study '{studyId}' has no uploaded weights with SHA-256 {sha256}: upload them first.");

    public static RegistryError WeightsMismatch(int version, string problem) =>
        new(422, ErrorCodes.WeightsMismatch, $"The weights do not fit version {version}'s model: {problem}");

    public static RegistryError VersionNotFound(string studyId, int version) =>
        new(404, ErrorCodes.VersionNotFound, $"Study '{studyId}' has no version {version}.");

    public static RegistryError NoVersions(string studyId) =>
        new(404, ErrorCodes.VersionNotFound, $"Study '{studyId}' has no published version yet.");

    public static RegistryError VersionConflict(string studyId, int version) =>
        new(409, ErrorCodes.VersionConflict,
            $"Version {version} of study '{studyId}' is already published with different content; versions are immutable.");

    public static RegistryError ParentVersionNotFound(string studyId, int parent) =>
        new(422, ErrorCodes.ParentVersionNotFound, $"Parent version {parent} of study '{studyId}' is not published; publish it first.");

    public static RegistryError RoundNotAfterParent(int round, int parentVersion, int parentRound) =>
        new(422, ErrorCodes.LineageInvalid,
            $"Round {round} does not come after round {parentRound}, which produced parent version {parentVersion}.");

    public static RegistryError InvalidEvaluation(string detail) => new(400, ErrorCodes.EvaluationInvalid, detail);

    public static RegistryError EvaluationMismatch(int version, string scored, string published) =>
        new(409, ErrorCodes.EvaluationMismatch,
            $"The evaluation scored weights with SHA-256 {scored}; version {version} is {published}. An evaluation is kept only with the weights it scored.");
}
