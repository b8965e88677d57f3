using System.Globalization;
using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Privacy;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Local;

/// <summary>
/// One round's mechanism as the hospital recorded it before training, with the accountant and delta
/// the study counted it under. Entries written before those were recorded have neither: they were
/// charged with RDP at the site's local delta, and are read so.
/// </summary>
public sealed record LocalPrivacyEntry(
    string StudyId,
    int Round,
    double NoiseMultiplier,
    double SamplingRate,
    long Steps,
    DateTimeOffset RecordedAt,
    string? Accountant = null,
    double? Delta = null);

/// <summary>
/// The hospital's own privacy ledger, on its own disk, enforced before any training: a round is
/// charged once (by study and round) when training starts, so a crash and resume never charges it
/// twice, and a task that would push this site past its locally configured budget is refused even
/// if the platform admitted it. Epsilon is composed as the platform's accountant composes it: every
/// round of the study with the study's accountant at the study's delta, so both ledgers show one figure.
/// </summary>
public sealed class LocalPrivacyLedger(IOptions<EdgeTrainerOptions> options)
{
    private readonly Lock _gate = new();

    private string FilePath => Path.Combine(options.Value.StateDirectory, "privacy-ledger.json");

    /// <summary>
    /// Epsilon this site spent on the study, with the accountant and at the delta of the latest round
    /// charged (the study's current terms, as the platform counts them).
    /// </summary>
    public double EpsilonSpent(string studyId)
    {
        var entries = Entries().Where(e => e.StudyId == studyId).ToList();
        if (entries.Count == 0)
        {
            return 0;
        }

        var latest = entries.MaxBy(e => e.Round)!;
        return Epsilon(entries, AccountantOf(latest), latest.Delta ?? options.Value.Privacy.Delta);
    }

    /// <returns>Null when the task fits the local budget; otherwise why it does not.</returns>
    public string? Refusal(TrainingTask task)
    {
        var entries = Entries().Where(e => e.StudyId == task.StudyId).ToList();
        if (entries.Any(e => e.Round == task.Round))
        {
            return null;
        }

        if (!Accountants.IsKnown(task.Privacy.Accountant))
        {
            return $"study {task.StudyId} counts epsilon with accountant '{task.Privacy.Accountant}', which this trainer does not know ({string.Join(", ", Accountants.Names)})";
        }

        // The cap is never checked at a looser delta than the hospital chose (a smaller delta gives a
        // larger epsilon). The approval policy already declines studies with a larger delta than the
        // site's, so this is the study's delta: the platform's own figure.
        var delta = Math.Min(task.Privacy.Delta, options.Value.Privacy.Delta);
        var after = Epsilon(entries.Append(ToEntry(task)), task.Privacy.Accountant, delta);
        var budget = options.Value.Privacy.EpsilonBudget;
        return after <= budget
            ? null
            : $"round {task.Round} of study {task.StudyId} would bring this site's epsilon to {Format(after)} ({task.Privacy.Accountant}, delta {Format(delta)}), past its local budget of {Format(budget)}";
    }

    /// <summary>Charges the task's round (once) before training starts.</summary>
    public void Charge(TrainingTask task)
    {
        lock (_gate)
        {
            var entries = Entries();
            if (entries.Any(e => e.StudyId == task.StudyId && e.Round == task.Round))
            {
                return;
            }

            Directory.CreateDirectory(options.Value.StateDirectory);
            var temporary = FilePath + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entries.Append(ToEntry(task)).ToList(), ContractJson.Options));
            File.Move(temporary, FilePath, overwrite: true);
        }
    }

    private List<LocalPrivacyEntry> Entries()
    {
        lock (_gate)
        {
            return File.Exists(FilePath)
                ? JsonSerializer.Deserialize<List<LocalPrivacyEntry>>(File.ReadAllText(FilePath), ContractJson.Options) ?? []
                : [];
        }
    }

    /// <summary>All the entries' mechanisms composed at once, as the platform composes a site's reservations.</summary>
    private static double Epsilon(IEnumerable<LocalPrivacyEntry> entries, string accountant, double delta)
    {
        var history = entries
            .Select(e => new GaussianMechanismSteps(e.NoiseMultiplier, e.SamplingRate, e.Steps))
            .Where(s => !s.IsTrivial)
            .ToList();
        return history.Count == 0 ? 0 : Accountants.ByName(accountant).GetPrivacySpent(history, delta).Epsilon;
    }

    private static string AccountantOf(LocalPrivacyEntry entry) => entry.Accountant ?? Accountants.Rdp;

    private static LocalPrivacyEntry ToEntry(TrainingTask task) =>
        new(task.StudyId, task.Round, task.Privacy.NoiseMultiplier, task.Privacy.SamplingRate, task.Training.LocalSteps, DateTimeOffset.UtcNow,
            task.Privacy.Accountant, task.Privacy.Delta);

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
