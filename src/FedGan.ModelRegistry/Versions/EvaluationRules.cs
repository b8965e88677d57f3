using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Versions;

/// <summary>An evaluation is kept only for the exact weights it scored, with scores that can be true.</summary>
internal static class EvaluationRules
{
    public static RegistryError? Check(ModelVersionManifest manifest, ModelEvaluation evaluation)
    {
        if (evaluation.StudyId != manifest.StudyId || evaluation.Version != manifest.Version)
            return RegistryErrors.InvalidEvaluation($"The evaluation names study '{evaluation.StudyId}' version {evaluation.Version}, not '{manifest.StudyId}' version {manifest.Version}.");
        if (evaluation.WeightsSha256 != manifest.WeightsSha256)
            return RegistryErrors.EvaluationMismatch(manifest.Version, evaluation.WeightsSha256, manifest.WeightsSha256);

        double[] fractions = [evaluation.TstrAccuracy, evaluation.RealDataAccuracy, .. evaluation.PerClassRecall ?? []];
        if (fractions.Any(value => !(value is >= 0 and <= 1)))
            return RegistryErrors.InvalidEvaluation("Accuracies and recalls must be between 0 and 1.");
        if (evaluation.PerClassRecall is null || evaluation.PerClassRecall.Count != manifest.Model.Architecture.Classes)
            return RegistryErrors.InvalidEvaluation($"The model has {manifest.Model.Architecture.Classes} classes; the evaluation must give a recall for each.");
        if (!double.IsFinite(evaluation.FrechetDistance) || evaluation.FrechetDistance < 0
            || !double.IsFinite(evaluation.FrechetDistanceFloor) || evaluation.FrechetDistanceFloor < 0)
            return RegistryErrors.InvalidEvaluation("Frechet distances must be finite and not negative.");
        if (evaluation.SyntheticImages < 1 || evaluation.FrechetSamples < 1 || evaluation.TstrEpochs < 1)
            return RegistryErrors.InvalidEvaluation("Image counts and epochs must be positive.");
        if (evaluation.Test is not { Images: > 0 } || evaluation.Reference is not { Images: > 0 })
            return RegistryErrors.InvalidEvaluation("The evaluation must say which real images it used (test and reference, each at least one image).");
        return null;
    }
}
