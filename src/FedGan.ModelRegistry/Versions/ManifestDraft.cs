using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Versions;

/// <summary>
/// The part of a manifest a publisher chooses, in canonical form (contributions by site, maps by
/// key, empty collections as absent), so that "the same request again" can be told from a different
/// one however its JSON was ordered. Version 0 carries the model; later versions inherit it.
/// </summary>
public sealed record ManifestDraft(
    string WeightsSha256,
    int? ParentVersion,
    int? Round,
    ModelDescription? Model,
    IReadOnlyList<Contribution> Contributions,
    string? Aggregation,
    IReadOnlyDictionary<string, double>? EpsilonBySite,
    IReadOnlyDictionary<string, double>? Metrics)
{
    public static ManifestDraft From(int version, PublishVersionRequest request) => new(
        request.WeightsSha256,
        request.ParentVersion,
        request.Round,
        version == 0 ? request.Model : null,
        [.. (request.Contributions ?? []).OrderBy(c => c.SiteId, StringComparer.Ordinal)],
        request.Aggregation,
        Canonical(request.EpsilonBySite),
        Canonical(request.Metrics));

    public static ManifestDraft From(ModelVersionManifest manifest) => new(
        manifest.WeightsSha256,
        manifest.ParentVersion,
        manifest.Round,
        manifest.Version == 0 ? manifest.Model : null,
        [.. manifest.Contributions.OrderBy(c => c.SiteId, StringComparer.Ordinal)],
        manifest.Aggregation,
        Canonical(manifest.EpsilonBySite),
        Canonical(manifest.Metrics));

    /// <summary>Same content: compared as the JSON both would be stored as (records hold lists, which compare by reference).</summary>
    public bool SameAs(ManifestDraft other) =>
        JsonSerializer.Serialize(this, ContractJson.Options) == JsonSerializer.Serialize(other, ContractJson.Options);

    public ModelVersionManifest ToManifest(string studyId, int version, long weightsSizeBytes, ModelDescription model, DateTimeOffset createdAt) =>
        new(studyId, version, WeightsSha256, weightsSizeBytes, ParentVersion, Round, model,
            Contributions, Aggregation, EpsilonBySite, Metrics, createdAt);

    private static SortedDictionary<string, double>? Canonical(IReadOnlyDictionary<string, double>? values) =>
        values is { Count: > 0 } ? new SortedDictionary<string, double>(values.ToDictionary(), StringComparer.Ordinal) : null;
}
