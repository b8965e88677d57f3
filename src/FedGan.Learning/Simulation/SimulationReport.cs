using FedGan.Learning.Evaluation;

namespace FedGan.Learning.Simulation;

/// <summary>Where a stage of a simulation stands, for progress display.</summary>
public readonly record struct SimulationProgress(string Stage, long Done, long Total);

/// <summary>
/// One data holder in a run: its size, and under DP its noise and the privacy it spent
/// (<see cref="Epsilon"/> by the accountant the noise was calibrated with, and by both, including
/// any release of its label histogram), and the class proportions its G steps drew labels from.
/// </summary>
public sealed record ParticipantSummary(
    string Name,
    int Images,
    IReadOnlyList<int> ClassCounts,
    double SamplingRate,
    long DiscriminatorSteps,
    double? NoiseMultiplier,
    double? Epsilon,
    double? EpsilonRdp,
    double? EpsilonPld,
    double? Delta,
    IReadOnlyList<double> GeneratorLabelMix);

/// <summary>Means over one round's local training at all participants.</summary>
public sealed record RoundSummary(
    int Round,
    double DiscriminatorLoss,
    double GeneratorLoss,
    double RealScore,
    double FakeScore,
    double? MeanGradientNorm,
    double? ClippedFraction,
    double? MeanUpdateNorm);

/// <summary>One site trained alone (the local baseline) and how its generator scored.</summary>
public sealed record SiteEvaluation(string Site, int Images, GanEvaluation Evaluation, string SampleGrid);

/// <summary>
/// Everything one simulation run measured; written as the run's JSON report. <see cref="Result"/>
/// scores the generator the run produced (the weight average when averaging; for the local
/// baseline, the best site's); <see cref="LastIterateResult"/> the final weights when they differ.
/// </summary>
public sealed record SimulationReport(
    string Mode,
    SimulationSettings Settings,
    IReadOnlyList<ParticipantSummary> Participants,
    GanEvaluation? Result,
    GanEvaluation? LastIterateResult,
    IReadOnlyList<SiteEvaluation>? SiteResults,
    string? BestSite,
    double? MaxEpsilon,
    double RealDataAccuracy,
    double FrechetDistanceFloor,
    IReadOnlyList<string> SampleGrids,
    IReadOnlyList<RoundSummary> Rounds,
    double TrainingSeconds,
    double EvaluationSeconds,
    double TotalSeconds,
    string Runtime);
