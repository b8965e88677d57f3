namespace FedGan.Contracts.Models;

/// <summary>
/// A version scored against real images a coordinator holds: TSTR (a classifier trained on the
/// version's synthetic images, tested on the real test set), the Frechet distance between synthetic
/// and real test features beside its floor (real reference vs real test), and recall per class.
/// </summary>
public sealed record ModelEvaluation(
    string StudyId,
    int Version,
    string WeightsSha256,
    double TstrAccuracy,
    IReadOnlyList<double> PerClassRecall,
    double FrechetDistance,
    double FrechetDistanceFloor,
    double RealDataAccuracy,
    int SyntheticImages,
    int FrechetSamples,
    int TstrEpochs,
    ulong Seed,
    EvaluationDataSet Test,
    EvaluationDataSet Reference,
    string Software,
    DateTimeOffset EvaluatedAt);

/// <summary>Real images an evaluation used, by name, count and a SHA-256 of their labels and pixels (comparable across evaluations).</summary>
public sealed record EvaluationDataSet(string Name, int Images, string Sha256);
