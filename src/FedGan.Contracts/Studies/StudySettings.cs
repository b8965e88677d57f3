using FedGan.Contracts.Models;

namespace FedGan.Contracts.Studies;

/// <summary>Local GAN training per round at each site (DP-SGD steps of D, with G steps in between).</summary>
public sealed record TrainingSettings(
    int LocalSteps = 50,
    int GeneratorBatchSize = 64,
    int DiscriminatorStepsPerGeneratorStep = 1,
    double DiscriminatorLearningRate = 2e-4,
    double GeneratorLearningRate = 2e-4);

/// <summary>
/// Record-level DP-SGD at every site: Poisson sampling at <see cref="SamplingRate"/>, per-record
/// clipping to <see cref="ClippingBound"/>, noise <see cref="NoiseMultiplier"/> times the bound.
/// Each round costs <c>LocalSteps</c> such steps; the budget is per site at <see cref="Delta"/>.
/// </summary>
public sealed record PrivacySettings(
    double NoiseMultiplier,
    double SamplingRate,
    double ClippingBound,
    double Delta,
    double EpsilonBudget,
    string Accountant = "rdp",
    string PrivacyUnit = "record");

/// <summary>What leaves a site: the update's L2 norm is clipped to <see cref="ClipNorm"/> before upload.</summary>
public sealed record UpdateSettings(double ClipNorm, double SiteNoiseMultiplier = 0, string WireDType = "F32");

/// <summary>How the aggregator turns a round's updates into the next version.</summary>
public sealed record AggregationSettings(
    string Method = "fedavg",
    double ServerLearningRate = 1.0,
    double ServerNoiseMultiplier = 0,
    double Beta1 = 0.9,
    double Beta2 = 0.99,
    double Epsilon = 1e-3);

/// <summary>When a round closes: at <see cref="Quorum"/> uploads plus a grace period, or at the deadline.</summary>
public sealed record RoundPolicy(int Rounds, int Quorum, int DeadlineSeconds = 900, int GraceSeconds = 30);

/// <summary>A study as a coordinator creates it. Version 0 of its model must already be in the registry.</summary>
public sealed record StudyDefinition(
    string StudyId,
    string? Name,
    ModelArchitecture Architecture,
    IReadOnlyList<string> Sites,
    TrainingSettings Training,
    PrivacySettings Privacy,
    UpdateSettings Update,
    AggregationSettings Aggregation,
    RoundPolicy Rounds);
