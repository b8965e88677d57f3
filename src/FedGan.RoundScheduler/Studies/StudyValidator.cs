using FedGan.Contracts;
using FedGan.Contracts.Studies;

namespace FedGan.RoundScheduler.Studies;

/// <summary>Says what is wrong with a study definition, in the words of its fields, or null.</summary>
public static class StudyValidator
{
    public static string? FindProblem(StudyDefinition? study)
    {
        if (study is null)
        {
            return "The body must be a study definition.";
        }

        if (!ResourceIds.IsValid(study.StudyId))
        {
            return $"study_id '{study.StudyId}' is not valid: {ResourceIds.Description}.";
        }

        return Sites(study.Sites, study.Rounds)
            ?? Architecture(study.Architecture)
            ?? Training(study.Training)
            ?? Privacy(study.Privacy)
            ?? Update(study.Update)
            ?? Aggregation(study.Aggregation);
    }

    private static string? Sites(IReadOnlyList<string>? sites, RoundPolicy? rounds)
    {
        if (sites is null || sites.Count == 0)
        {
            return "sites must list at least one site.";
        }

        if (sites.FirstOrDefault(s => !ResourceIds.IsValid(s)) is { } bad)
        {
            return $"site '{bad}' is not valid: {ResourceIds.Description}.";
        }

        if (sites.Distinct(StringComparer.Ordinal).Count() != sites.Count)
        {
            return "sites must not repeat a site.";
        }

        if (rounds is null || rounds.Rounds < 1)
        {
            return "rounds.rounds must be at least 1.";
        }

        if (rounds.Quorum < 1 || rounds.Quorum > sites.Count)
        {
            return $"rounds.quorum must be between 1 and the number of sites ({sites.Count}).";
        }

        return rounds.DeadlineSeconds < 1 || rounds.GraceSeconds < 0
            ? "rounds.deadline_seconds must be positive and rounds.grace_seconds not negative."
            : null;
    }

    private static string? Architecture(Contracts.Models.ModelArchitecture? architecture) => architecture switch
    {
        null => "architecture is required.",
        { ImageSize: not (28 or 64) } => "architecture.image_size must be 28 or 64.",
        { Classes: < 2 } => "architecture.classes must be at least 2.",
        { LatentDim: < 1 } or { GeneratorWidth: < 8 } or { DiscriminatorWidth: < 1 } => "architecture widths and latent_dim must be positive (generator_width at least 8).",
        _ => null,
    };

    private static string? Training(TrainingSettings? training) => training switch
    {
        null => "training is required.",
        { LocalSteps: < 1 } => "training.local_steps must be at least 1.",
        { GeneratorBatchSize: < 1 } or { DiscriminatorStepsPerGeneratorStep: < 1 } => "training batch sizes and step ratios must be positive.",
        _ when !(training.DiscriminatorLearningRate > 0) || !(training.GeneratorLearningRate > 0) => "training learning rates must be positive.",
        _ => null,
    };

    private static string? Privacy(PrivacySettings? privacy) => privacy switch
    {
        null => "privacy is required.",
        _ when !(privacy.NoiseMultiplier >= 0) || !double.IsFinite(privacy.NoiseMultiplier) => "privacy.noise_multiplier must be a number >= 0.",
        _ when !(privacy.SamplingRate is > 0 and <= 1) => "privacy.sampling_rate must be in (0, 1].",
        _ when !(privacy.ClippingBound > 0) || !double.IsFinite(privacy.ClippingBound) => "privacy.clipping_bound must be positive.",
        _ when !(privacy.Delta is > 0 and < 1) => "privacy.delta must be strictly between 0 and 1.",
        _ when !(privacy.EpsilonBudget > 0) || !double.IsFinite(privacy.EpsilonBudget) => "privacy.epsilon_budget must be positive.",
        _ when privacy.Accountant is not ("rdp" or "pld") => "privacy.accountant must be 'rdp' or 'pld'.",
        _ when privacy.PrivacyUnit is not ("record" or "patient") => "privacy.privacy_unit must be 'record' or 'patient'.",
        _ => null,
    };

    private static string? Update(UpdateSettings? update) => update switch
    {
        null => "update is required.",
        _ when !(update.ClipNorm > 0) || !double.IsFinite(update.ClipNorm) => "update.clip_norm must be positive.",
        _ when !(update.SiteNoiseMultiplier >= 0) => "update.site_noise_multiplier must be >= 0.",
        _ when update.WireDType is not ("F32" or "F16" or "BF16") => "update.wire_dtype must be F32, F16 or BF16.",
        _ => null,
    };

    private static string? Aggregation(AggregationSettings? aggregation) => aggregation switch
    {
        null => "aggregation is required.",
        _ when aggregation.Method is not ("fedavg" or "fedadam") => "aggregation.method must be 'fedavg' or 'fedadam'.",
        _ when !(aggregation.ServerLearningRate > 0) => "aggregation.server_learning_rate must be positive.",
        _ when !(aggregation.ServerNoiseMultiplier >= 0) => "aggregation.server_noise_multiplier must be >= 0.",
        _ => null,
    };
}
