using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Training;

namespace FedGan.Learning.Simulation;

/// <summary>Who trains on what: the federation, all data pooled in one place, or each site alone.</summary>
public enum TrainingMode
{
    Federated,
    Centralized,
    Local,
}

/// <summary>
/// One in-process experiment. The compute budget is counted in discriminator steps at the same
/// expected batch size: a federated run takes Rounds x LocalSteps steps at each of the Sites; the
/// centralized baseline takes the same total (Sites x Rounds x LocalSteps) on the pooled data;
/// each site alone takes the Rounds x LocalSteps it would contribute to the federation.
/// With <see cref="TargetEpsilon"/> set, every D step is DP-SGD, with the noise multiplier
/// calibrated so that each site's records (the pool's, when centralized) end at that epsilon
/// at <see cref="Delta"/> after all planned steps.
/// </summary>
public sealed record SimulationSettings
{
    public TrainingMode Mode { get; init; } = TrainingMode.Federated;

    public int Sites { get; init; } = 8;

    public double DirichletAlpha { get; init; } = 0.3;

    public bool AcquisitionShift { get; init; } = true;

    public int? RareClass { get; init; }

    public double RareClassPrevalence { get; init; } = 0.01;

    public int Rounds { get; init; } = 20;

    public int LocalSteps { get; init; } = 100;

    public GanArchitecture Architecture { get; init; } = GanArchitecture.Default;

    public GanTrainingSettings Training { get; init; } = new();

    public double? TargetEpsilon { get; init; }

    public double Delta { get; init; } = 1e-5;

    /// <summary>The accountant the noise is calibrated with; RDP, the more conservative, by default.</summary>
    public AccountantKind Accountant { get; init; } = AccountantKind.Rdp;

    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Bound on each site update's L2 norm (DP-FedAvg); null: not clipped.</summary>
    public double? UpdateClipNorm { get; init; }

    /// <summary>Server-side Gaussian noise on the average, in units of the update clipping bound (needs <see cref="UpdateClipNorm"/>).</summary>
    public double ServerNoiseMultiplier { get; init; }

    /// <summary>
    /// Federated: each site starts every round with fresh Adam moments; otherwise a site's moments
    /// carry over, as the edge trainer's do (it keeps them on the hospital's disk between rounds).
    /// </summary>
    public bool FreshLocalOptimizers { get; init; }

    /// <summary>
    /// Federated: each site starts every round with a fresh Adam for G only; D's moments carry
    /// over (see <see cref="LocalGanTrainer.RestartGeneratorOptimizer"/>).
    /// </summary>
    public bool FreshGeneratorOptimizer { get; init; }

    /// <summary>
    /// Federated: after each round every site's Adam moments (D's and G's) are set to their
    /// sample-weighted average across sites (see <see cref="OptimizerMomentAveraging"/>).
    /// </summary>
    public bool AverageOptimizerMoments { get; init; }

    /// <summary>Server learning rate: the global model moves by this times the average update (or the velocity).</summary>
    public double ServerLearningRate { get; init; } = 1;

    /// <summary>Server momentum beta (FedAvgM, see <see cref="ServerStep"/>); 0 is plain FedAvg.</summary>
    public double ServerMomentum { get; init; }

    /// <summary>Where each site's G steps take their labels from (see <see cref="GeneratorLabelMix"/>).</summary>
    public GeneratorLabelSource GeneratorLabels { get; init; } = GeneratorLabelSource.Uniform;

    /// <summary>
    /// Standard deviation of the Gaussian noise on each class count when a site's histogram is
    /// released under DP (<see cref="GeneratorLabelSource.SiteHistogram"/> with a target epsilon).
    /// At 50 the release costs a few hundredths of epsilon, while sites hold hundreds to thousands per class.
    /// </summary>
    public double LabelHistogramNoise { get; init; } = 50;

    /// <summary>
    /// How both local learning rates fall over the rounds, in every mode alike (the centralized
    /// run's rounds are its chunks of one federated round's steps); constant by default.
    /// </summary>
    public LearningRateDecay LearningRateDecay { get; init; } = LearningRateDecay.Constant;

    /// <summary>
    /// When set, the generator scored is an exponential moving average of the model after each
    /// round, with this decay; the last iterate is scored too, for comparison.
    /// </summary>
    public double? AverageDecay { get; init; }

    public int Seed { get; init; } = 1;

    public EvaluationSettings Evaluation { get; init; } = new();

    public int GridSamplesPerClass { get; init; } = 10;

    public long TotalDiscriminatorSteps => Mode == TrainingMode.Centralized
        ? (long)Sites * Rounds * LocalSteps
        : (long)Rounds * LocalSteps;

    public SimulationSettings Validate()
    {
        if (Sites < 1)
            throw new ArgumentException($"Need at least one site, not {Sites}.");
        if (!(DirichletAlpha > 0) || !double.IsFinite(DirichletAlpha))
            throw new ArgumentException($"The Dirichlet alpha must be a positive number, not {DirichletAlpha}.");
        if (Rounds < 1)
            throw new ArgumentException($"Need at least one round, not {Rounds}.");
        if (LocalSteps < 1)
            throw new ArgumentException($"Need at least one local step per round, not {LocalSteps}.");
        if (TargetEpsilon is { } epsilon && (!(epsilon > 0) || !double.IsFinite(epsilon)))
            throw new ArgumentException($"The target epsilon must be a positive finite number, not {epsilon}.");
        if (!(Delta > 0 && Delta < 1))
            throw new ArgumentException($"Delta must lie in (0, 1), not {Delta}.");
        if (!(ClipNorm > 0) || !double.IsFinite(ClipNorm))
            throw new ArgumentException($"The per-example clipping norm must be a positive number, not {ClipNorm}.");
        if (UpdateClipNorm is { } bound && (!(bound > 0) || !double.IsFinite(bound)))
            throw new ArgumentException($"The update clipping norm must be a positive number, not {bound}.");
        if (!(ServerNoiseMultiplier >= 0) || !double.IsFinite(ServerNoiseMultiplier))
            throw new ArgumentException($"The server noise multiplier must be >= 0, not {ServerNoiseMultiplier}.");
        if (ServerNoiseMultiplier > 0 && UpdateClipNorm is null)
            throw new ArgumentException("Server noise is calibrated to the update clipping norm: set an update clipping norm too.");
        if (ServerNoiseMultiplier > 0 && Mode != TrainingMode.Federated)
            throw new ArgumentException("Server noise only applies to federated runs.");
        if (!(ServerLearningRate > 0) || !double.IsFinite(ServerLearningRate))
            throw new ArgumentException($"The server learning rate must be a positive number, not {ServerLearningRate}.");
        if (!(ServerMomentum is >= 0 and < 1))
            throw new ArgumentException($"The server momentum must lie in [0, 1), not {ServerMomentum}.");
        if (FreshLocalOptimizers && FreshGeneratorOptimizer)
            throw new ArgumentException("Fresh local optimizers already restart G's: ask for one or the other.");
        if (AverageOptimizerMoments && (FreshLocalOptimizers || FreshGeneratorOptimizer))
            throw new ArgumentException("Averaged optimizer moments are carried into the next round: they cannot be combined with fresh optimizers.");
        if (Training.ProximalWeight > 0 && Mode != TrainingMode.Federated)
            throw new ArgumentException("A proximal term pulls each site towards the round's global weights: it only applies to federated runs.");
        if ((ServerLearningRate != 1 || ServerMomentum > 0 || FreshLocalOptimizers || FreshGeneratorOptimizer || AverageOptimizerMoments) && Mode != TrainingMode.Federated)
            throw new ArgumentException("A server learning rate or momentum, fresh or averaged local optimizers each round, only apply to federated runs.");
        if (!(LabelHistogramNoise >= 0) || !double.IsFinite(LabelHistogramNoise))
            throw new ArgumentException($"The label histogram noise must be a finite number >= 0, not {LabelHistogramNoise}.");
        if (GeneratorLabels == GeneratorLabelSource.SiteHistogram && TargetEpsilon is not null && LabelHistogramNoise == 0)
            throw new ArgumentException("Under DP, a site's label histogram can only be released with noise: set a label histogram noise above 0.");
        if (AverageDecay is { } decay && !(decay is > 0 and < 1))
            throw new ArgumentException($"The weight-averaging decay must lie strictly between 0 and 1, not {decay}.");
        if (LearningRateDecay.Validate().FromRound > Rounds)
            throw new ArgumentException($"Learning rate decay from round {LearningRateDecay.FromRound} never starts in a run of {Rounds} rounds.");
        if (GridSamplesPerClass < 1)
            throw new ArgumentException($"The sample grid needs at least one image per class, not {GridSamplesPerClass}.");
        Architecture.Validate();
        Training.Validate();
        Evaluation.Validate();
        return this;
    }
}
