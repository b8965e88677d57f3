namespace FedGan.Learning.Training;

/// <summary>What one discriminator step saw; the norms are only measured under DP-SGD.</summary>
public readonly record struct DiscriminatorStepStats(
    int BatchSize,
    double Loss,
    double RealScore,
    double FakeScore,
    double? MeanGradientNorm = null,
    double? ClippedFraction = null);
