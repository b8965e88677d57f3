using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using FedGan.Privacy;
using FedGan.Tensors;

namespace FedGan.Learning.Simulation;

/// <summary>A data holder in a simulation (a site, or the pooled data): its images, model copy and trainer.</summary>
internal sealed class Participant : IDisposable
{
    private readonly TrainingImages images;
    private readonly AccountantKind accountant;

    public Participant(string name, LabeledImages data, SimulationSettings settings, long plannedSteps, ulong seed)
    {
        Name = name;
        Data = data;
        accountant = settings.Accountant;
        images = new TrainingImages(data);
        Model = new ConditionalGan(settings.Architecture);
        var samplingRate = settings.Training.SamplingRate(data.Count);
        LabelMix = settings.GeneratorLabels == GeneratorLabelSource.SiteHistogram
            ? GeneratorLabelMix.FromHistogram(data.ClassCounts(), settings.TargetEpsilon is null ? 0 : settings.LabelHistogramNoise,
                GaussianNoise.Seeded(seed ^ HistogramNoiseStream))
            : GeneratorLabelMix.Uniform(settings.Architecture.Classes);
        if (settings.TargetEpsilon is { } epsilon)
            NoiseMultiplier = PrivacyPlan.CalibrateNoise(settings.Accountant, epsilon, settings.Delta, samplingRate, plannedSteps, OtherReleases);
        var privacy = NoiseMultiplier is { } sigma ? new DpSgdSettings(sigma, settings.ClipNorm) : null;
        Trainer = new LocalGanTrainer(Model, images, settings.Training, privacy, seed, LabelMix);
    }

    public string Name { get; }

    public LabeledImages Data { get; }

    public ConditionalGan Model { get; }

    public LocalGanTrainer Trainer { get; }

    public double? NoiseMultiplier { get; }

    public GeneratorLabelMix LabelMix { get; }

    // An arbitrary constant mixed into the participant's seed: the histogram noise gets a stream of its own.
    private const ulong HistogramNoiseStream = 0x6C61626C6D697855UL;

    /// <summary>What the records paid for before the D steps: the label histogram's release, if any.</summary>
    private IReadOnlyList<GaussianMechanismSteps> OtherReleases => LabelMix.Release is { } release ? [release] : [];

    public ParticipantSummary Summarize(double delta)
    {
        if (NoiseMultiplier is not { } sigma)
            return new ParticipantSummary(Name, Data.Count, Data.ClassCounts(), Trainer.SamplingRate, Trainer.DiscriminatorSteps, null, null, null, null, null, LabelMix.Probabilities);
        var rdp = PrivacyPlan.Spent(AccountantKind.Rdp, sigma, Trainer.SamplingRate, Trainer.DiscriminatorSteps, delta, OtherReleases).Epsilon;
        var pld = PrivacyPlan.Spent(AccountantKind.Pld, sigma, Trainer.SamplingRate, Trainer.DiscriminatorSteps, delta, OtherReleases).Epsilon;
        return new ParticipantSummary(Name, Data.Count, Data.ClassCounts(), Trainer.SamplingRate, Trainer.DiscriminatorSteps,
            sigma, accountant == AccountantKind.Pld ? pld : rdp, rdp, pld, delta, LabelMix.Probabilities);
    }

    public void Dispose()
    {
        images.Dispose();
        Model.Dispose();
    }
}
