using FedGan.Contracts.Models;
using FedGan.Contracts.Updates;

namespace FedGan.Aggregator.Aggregation;

/// <summary>What a round's version records about where it came from, and whether a published version is that.</summary>
public sealed record Lineage(int ParentVersion, int Round, IReadOnlyList<Contribution> Contributions, string Aggregation,
    IReadOnlyDictionary<string, double>? EpsilonBySite)
{
    public bool Matches(ModelVersionManifest manifest) =>
        manifest.ParentVersion == ParentVersion
        && manifest.Round == Round
        && manifest.Aggregation == Aggregation
        && manifest.Contributions.SequenceEqual(Contributions)
        && SameEpsilons(manifest.EpsilonBySite, EpsilonBySite);

    /// <summary>Says how a published version differs, for a conflict's detail.</summary>
    public string Difference(ModelVersionManifest manifest) =>
        manifest.ParentVersion != ParentVersion ? $"its parent is version {manifest.ParentVersion}, not {ParentVersion}"
        : manifest.Round != Round ? $"it was produced by round {manifest.Round?.ToString() ?? "none"}, not {Round}"
        : manifest.Aggregation != Aggregation ? $"it was aggregated with {manifest.Aggregation}, not {Aggregation}"
        : !manifest.Contributions.SequenceEqual(Contributions) ? "its contributions (sites, sample counts or update hashes) differ"
        : "its epsilon by site differs";

    /// <summary>The publication of this lineage (the model itself is version 0's; later versions do not repeat it).</summary>
    public PublishVersionRequest ToRequest(string weightsSha256) =>
        new(weightsSha256, ParentVersion, Round, Model: null, Contributions, Aggregation, EpsilonBySite, Metrics: null);

    public AggregationResult Result(int version, string weightsSha256) => new(version, weightsSha256, Contributions);

    private static bool SameEpsilons(IReadOnlyDictionary<string, double>? a, IReadOnlyDictionary<string, double>? b)
    {
        if (a is null || a.Count == 0)
            return b is null || b.Count == 0;
        return b is not null && a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value.Equals(pair.Value));
    }
}
