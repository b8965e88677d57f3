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

/// <summary>
/// The scheduler tells the aggregator about a round when it opens it: which sites may upload, until
/// when, on top of which version, and how updates are bounded and combined. Idempotent.
/// </summary>
public sealed record RoundRegistration(
    int BaseVersion,
    IReadOnlyList<string> AdmittedSites,
    DateTimeOffset Deadline,
    double UpdateClipNorm,
    Studies.AggregationSettings Aggregation);

/// <summary>
/// The scheduler asks the aggregator to close round <c>r</c> (no upload is accepted after) and to
/// publish version <c>base + 1</c>, with each contributing site's epsilon so far for the lineage.
/// </summary>
public sealed record AggregationRequest(IReadOnlyDictionary<string, double>? EpsilonBySite);

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
