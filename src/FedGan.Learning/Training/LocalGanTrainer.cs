using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// Trains one site's copy of the GAN on that site's images: Poisson-sampled D steps (DP-SGD
/// when <see cref="Privacy"/> is set; see <see cref="GanTrainingSettings.PrivateFakes"/> for the
/// fakes it compares records with) and one G step after every n_D D steps. Optimiser state
/// and step counts persist across calls until <see cref="RestartOptimizers"/>.
/// </summary>
public sealed class LocalGanTrainer
{
    private readonly TrainingImages data;
    private readonly PoissonSampler sampler;
    private readonly Generator fakeRandom;
    private readonly Generator discriminatorNoise;
    private readonly Generator generatorRandom;
    private readonly GeneratorLabelMix generatorLabels;
    private readonly long fakesPerPrivateStep;
    private readonly ProximalTerm? discriminatorProximal;
    private readonly ProximalTerm? generatorProximal;
    private DiscriminatorStep discriminatorStep;
    private GeneratorStep generatorStep;
    private double learningRateFactor = 1;

    /// <param name="generatorLabels">The classes G steps ask for; uniform when null.</param>
    public LocalGanTrainer(ConditionalGan model, TrainingImages data, GanTrainingSettings settings, DpSgdSettings? privacy, ulong seed,
        GeneratorLabelMix? generatorLabels = null)
    {
        if (generatorLabels is not null && generatorLabels.Probabilities.Count != model.Architecture.Classes)
            throw new ArgumentException(
                $"The generator's label mix has {generatorLabels.Probabilities.Count} classes; the model has {model.Architecture.Classes}.");
        if (data.ImageSize != model.Architecture.ImageSize || data.Classes != model.Architecture.Classes)
            throw new ArgumentException(
                $"Images of size {data.ImageSize} in {data.Classes} classes do not fit a GAN for size {model.Architecture.ImageSize} in {model.Architecture.Classes} classes.");
        Model = model;
        this.data = data;
        Settings = settings.Validate();
        Privacy = privacy?.Validate();
        // Separate streams, so that switching DP on does not change which records are sampled.
        sampler = new PoissonSampler(data.Count, settings.SamplingRate(data.Count), new Generator(seed));
        fakeRandom = new Generator(seed + 1);
        discriminatorNoise = new Generator(seed + 2);
        generatorRandom = new Generator(seed + 3);
        this.generatorLabels = generatorLabels ?? GeneratorLabelMix.Uniform(model.Architecture.Classes);
        fakesPerPrivateStep = Math.Max(1, (long)Math.Round(sampler.ExpectedBatchSize));
        if (settings.ProximalWeight > 0)
        {
            discriminatorProximal = new ProximalTerm(settings.ProximalWeight, model.Discriminator.parameters());
            generatorProximal = new ProximalTerm(settings.ProximalWeight, model.Generator.parameters());
        }
        (discriminatorStep, generatorStep) = NewSteps();
    }

    public ConditionalGan Model { get; }

    public GanTrainingSettings Settings { get; }

    public DpSgdSettings? Privacy { get; }

    public int Records => data.Count;

    public double SamplingRate => sampler.SamplingRate;

    /// <summary>D steps taken so far; each is one application of the subsampled Gaussian mechanism under DP.</summary>
    public long DiscriminatorSteps { get; private set; }

    /// <summary>
    /// The factor on both base learning rates (<see cref="GanTrainingSettings"/>) for the steps
    /// that follow (see <see cref="LearningRateDecay"/>); it holds across restarts and loads of the optimisers.
    /// </summary>
    public double LearningRateFactor
    {
        get => learningRateFactor;
        set
        {
            if (!(value is > 0 and <= 1))
                throw new ArgumentOutOfRangeException(nameof(value), $"The learning rate factor must lie in (0, 1], not {value}.");
            learningRateFactor = value;
            ApplyLearningRates();
        }
    }

    /// <summary>
    /// Takes the model's current weights (a round's global weights, once imported) as the point
    /// FedProx's term pulls towards; does nothing without one (<see cref="GanTrainingSettings.ProximalWeight"/> 0).
    /// Until the first call the pull is towards the weights the trainer was made with.
    /// </summary>
    public void AnchorProximalTerm()
    {
        discriminatorProximal?.Anchor();
        generatorProximal?.Anchor();
    }

    /// <summary>
    /// Starts both Adam optimisers afresh (zero moments); sampling, noise and step counts carry on.
    /// (The edge trainer does not: it carries them over, see <see cref="SaveOptimizers"/>.)
    /// </summary>
    public void RestartOptimizers() => (discriminatorStep, generatorStep) = NewSteps();

    /// <summary>
    /// Starts only G's Adam afresh. G's gradients carry no DP noise, while D's moments under
    /// DP-SGD hold the running scale of its noise, which a restart throws away.
    /// </summary>
    public void RestartGeneratorOptimizer() => generatorStep = NewGeneratorStep();

    /// <summary>
    /// Writes both Adam optimisers' state (moments and step counts, TorchSharp's format) to two
    /// files, each through a temporary file and a rename, so a crash never leaves half of one.
    /// Under DP the state is computed from noised gradients only (G's from D's weights), so keeping
    /// it costs no privacy; it is the site's own and is never sent anywhere.
    /// </summary>
    public void SaveOptimizers(string discriminatorPath, string generatorPath)
    {
        SaveAtomically(discriminatorStep.Optimizer, discriminatorPath);
        SaveAtomically(generatorStep.Optimizer, generatorPath);
    }

    /// <summary>
    /// Continues from optimiser state written by <see cref="SaveOptimizers"/> for a model of the same
    /// architecture: the next steps are Adam's steps with those moments, not its first steps.
    /// </summary>
    public void LoadOptimizers(string discriminatorPath, string generatorPath)
    {
        Stateful(discriminatorStep.Optimizer).load_state_dict(discriminatorPath);
        Stateful(generatorStep.Optimizer).load_state_dict(generatorPath);
        // The saved state carries the rates it was saved with; this trainer's own factor decides.
        ApplyLearningRates();
    }

    /// <summary>D's optimiser as it stands (tests read its state; the simulator averages its moments across sites).</summary>
    internal optim.Optimizer DiscriminatorOptimizer => discriminatorStep.Optimizer;

    /// <summary>G's optimiser as it stands (the simulator averages its moments across sites).</summary>
    internal optim.Optimizer GeneratorOptimizer => generatorStep.Optimizer;

    /// <summary>The optimizer as one whose state can be read, saved and loaded.</summary>
    internal static OptimizerHelper Stateful(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new InvalidOperationException($"{optimizer.GetType().Name} cannot save its state.");

    private void ApplyLearningRates()
    {
        SetLearningRate(discriminatorStep.Optimizer, DiscriminatorRate);
        SetLearningRate(generatorStep.Optimizer, GeneratorRate);
    }

    private double DiscriminatorRate => Settings.DiscriminatorLearningRate * learningRateFactor;

    private double GeneratorRate => Settings.GeneratorLearningRate * learningRateFactor;

    private static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in Stateful(optimizer).ParamGroups)
            group.LearningRate = rate;
    }

    private static void SaveAtomically(optim.Optimizer optimizer, string path)
    {
        var temporary = path + ".tmp";
        Stateful(optimizer).save_state_dict(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    public TrainingProgress Train(int discriminatorSteps, Action? afterEachStep = null)
    {
        if (discriminatorSteps < 0)
            throw new ArgumentException($"Cannot take {discriminatorSteps} steps.");
        var progress = new TrainingProgress();
        for (var i = 0; i < discriminatorSteps; i++)
        {
            using (var scope = NewDisposeScope())
            {
                var indices = sampler.Sample();
                var (real, labels) = data.Select(indices);
                // Fakes from the mix must not depend on the sampled records (see DiscriminatorStep): a
                // fixed number of them, labelled from G's mix. Otherwise each record gets a fake of its class.
                var fakeLabels = Privacy is not null && Settings.PrivateFakes == PrivateFakes.FromLabelMix
                    ? generatorLabels.Draw(fakesPerPrivateStep, fakeRandom)
                    : labels;
                var fakes = FakeImages.Generate(Model.Generator, fakeLabels, fakeRandom);
                progress.Add(discriminatorStep.Take(real, labels, fakes, fakeLabels, sampler.ExpectedBatchSize));
            }

            DiscriminatorSteps++;
            if (DiscriminatorSteps % Settings.DiscriminatorStepsPerGeneratorStep == 0)
                progress.AddGenerator(generatorStep.Take(Settings.GeneratorBatchSize));
            afterEachStep?.Invoke();
        }

        return progress;
    }

    private (DiscriminatorStep, GeneratorStep) NewSteps() => (NewDiscriminatorStep(), NewGeneratorStep());

    private DiscriminatorStep NewDiscriminatorStep()
    {
        var optimizer = optim.Adam(Model.Discriminator.parameters(), DiscriminatorRate, Settings.DiscriminatorBeta1, Settings.Beta2);
        return new DiscriminatorStep(Model.Discriminator, optimizer, Privacy, discriminatorNoise)
        {
            ClassLossWeight = Settings.ClassLossWeight,
            Fakes = Settings.PrivateFakes,
            Proximal = discriminatorProximal,
        };
    }

    private GeneratorStep NewGeneratorStep()
    {
        var optimizer = optim.Adam(Model.Generator.parameters(), GeneratorRate, Settings.GeneratorBeta1, Settings.Beta2);
        return new GeneratorStep(Model, optimizer, generatorRandom, generatorLabels, Settings.ClassLossWeight) { Proximal = generatorProximal };
    }
}
