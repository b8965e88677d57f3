namespace FedGan.Contracts.Models;

/// <summary>
/// What an export of synthetic images came from, written beside it as <c>provenance.json</c>: the
/// model version and its weights hash (as the registry's manifest gives them), the privacy each site
/// spent to train it, how the images were drawn, and every file with its SHA-256.
/// </summary>
public sealed record SyntheticProvenance(
    string StudyId,
    int Version,
    string WeightsSha256,
    int? ParentVersion,
    int? Round,
    IReadOnlyList<Contribution> Contributions,
    IReadOnlyDictionary<string, double> EpsilonBySite,
    double Delta,
    string Accountant,
    string PrivacyUnit,
    SyntheticDraw Draw,
    IReadOnlyList<SyntheticFile> Files,
    string Command,
    string Software,
    DateTimeOffset CreatedAt)
{
    public const string FileName = "provenance.json";
}

/// <summary>How the images were drawn: the same model, classes, count and seed draw the same images.</summary>
public sealed record SyntheticDraw(string Format, IReadOnlyList<int> Classes, int PerClass, ulong Seed, int ImageSize);

/// <summary>One exported file, its path relative to the export folder.</summary>
public sealed record SyntheticFile(string Path, string Sha256, long SizeBytes);
