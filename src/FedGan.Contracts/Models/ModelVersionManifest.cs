namespace FedGan.Contracts.Models;

/// <summary>One site's part in a version: the weight its update got in the average.</summary>
public sealed record Contribution(string SiteId, long NumSamples, double Weight, string UpdateSha256);

/// <summary>
/// An immutable global model version with its lineage. Version 0 is the initial model (no parent,
/// no round); version v+1 is the aggregate of round v+1's accepted updates applied to version v.
/// </summary>
public sealed record ModelVersionManifest(
    string StudyId,
    int Version,
    string WeightsSha256,
    long WeightsSizeBytes,
    int? ParentVersion,
    int? Round,
    ModelDescription Model,
    IReadOnlyList<Contribution> Contributions,
    string? Aggregation,
    IReadOnlyDictionary<string, double>? EpsilonBySite,
    IReadOnlyDictionary<string, double>? Metrics,
    DateTimeOffset CreatedAt);

/// <summary>What the registry answers to an uploaded weights file (content-addressed, write-once).</summary>
public sealed record WeightsUploadResult(string Sha256, long SizeBytes, int Tensors, long Parameters);

/// <summary>
/// Publish version <c>v</c> of a study: the weights (uploaded before, by hash) and the lineage.
/// Publishing the same thing twice is accepted; a different thing under an existing version is a conflict.
/// </summary>
public sealed record PublishVersionRequest(
    string WeightsSha256,
    int? ParentVersion,
    int? Round,
    ModelDescription? Model,
    IReadOnlyList<Contribution>? Contributions,
    string? Aggregation,
    IReadOnlyDictionary<string, double>? EpsilonBySite,
    IReadOnlyDictionary<string, double>? Metrics);
