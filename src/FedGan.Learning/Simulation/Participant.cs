using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;

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
        if (settings.TargetEpsilon is { } epsilon)
            NoiseMultiplier = PrivacyPlan.CalibrateNoise(settings.Accountant, epsilon, settings.Delta, samplingRate, plannedSteps);
        var privacy = NoiseMultiplier is { } sigma ? new DpSgdSettings(sigma, settings.ClipNorm) : null;
        Trainer = new LocalGanTrainer(Model, images, settings.Training, privacy, seed);
    }

    public string Name { get; }

    public LabeledImages Data { get; }

    public ConditionalGan Model { get; }

    public LocalGanTrainer Trainer { get; }

    public double? NoiseMultiplier { get; }

    public ParticipantSummary Summarize(double delta)
    {
        if (NoiseMultiplier is not { } sigma)
            return new ParticipantSummary(Name, Data.Count, Data.ClassCounts(), Trainer.SamplingRate, Trainer.DiscriminatorSteps, null, null, null, null, null);
        var rdp = PrivacyPlan.Spent(AccountantKind.Rdp, sigma, Trainer.SamplingRate, Trainer.DiscriminatorSteps, delta).Epsilon;
        var pld = PrivacyPlan.Spent(AccountantKind.Pld, sigma, Trainer.SamplingRate, Trainer.DiscriminatorSteps, delta).Epsilon;
        return new ParticipantSummary(Name, Data.Count, Data.ClassCounts(), Trainer.SamplingRate, Trainer.DiscriminatorSteps,
            sigma, accountant == AccountantKind.Pld ? pld : rdp, rdp, pld, delta);
    }

    public void Dispose()
    {
        images.Dispose();
        Model.Dispose();
    }
}
