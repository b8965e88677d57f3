namespace FedGan.Contracts.Updates;

/// <summary>
/// The aggregator's record of an accepted update. Sites send <c>num_samples</c> in the safetensors
/// metadata: it is the update's weight in the sample-weighted average.
/// </summary>
public sealed record UpdateReceipt(
    string StudyId,
    int Round,
    string SiteId,
    string Sha256,
    long SizeBytes,
    long NumSamples,
    double L2Norm,
    DateTimeOffset AcceptedAt);

/// <summary>The scheduler asks the aggregator to close round <c>r</c> and publish version <c>base + 1</c>.</summary>
public sealed record AggregationRequest(int BaseVersion, Studies.AggregationSettings Settings, double UpdateClipNorm);

/// <summary>The version the aggregation published and whose updates it used.</summary>
public sealed record AggregationResult(int Version, string WeightsSha256, IReadOnlyList<Models.Contribution> Contributions);

/// <summary>The metadata key in an update's safetensors header that carries its sample count.</summary>
public static class UpdateMetadata
{
    public const string NumSamples = "num_samples";
    public const string SiteId = "site_id";
    public const string Round = "round";
    public const string BaseVersion = "base_version";
}
