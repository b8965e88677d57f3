using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Privacy;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Local;

/// <summary>One round's mechanism as the hospital recorded it before training.</summary>
public sealed record LocalPrivacyEntry(string StudyId, int Round, double NoiseMultiplier, double SamplingRate, long Steps, DateTimeOffset RecordedAt);

/// <summary>
/// The hospital's own privacy ledger, on its own disk, enforced before any training: a round is
/// charged once (by study and round) when training starts, so a crash and resume never charges it
/// twice, and a task that would push this site past its locally configured budget is refused even
/// if the platform admitted it.
/// </summary>
public sealed class LocalPrivacyLedger(IOptions<EdgeTrainerOptions> options)
{
    private readonly Lock _gate = new();
    private readonly RdpAccountant _accountant = new();

    private string FilePath => Path.Combine(options.Value.StateDirectory, "privacy-ledger.json");

    public double EpsilonSpent(string studyId) => Epsilon(Entries().Where(e => e.StudyId == studyId));

    /// <returns>Null when the task fits the local budget; otherwise why it does not.</returns>
    public string? Refusal(TrainingTask task)
    {
        var entries = Entries().Where(e => e.StudyId == task.StudyId).ToList();
        if (entries.Any(e => e.Round == task.Round))
        {
            return null;
        }

        var after = Epsilon(entries.Append(ToEntry(task)));
        var budget = options.Value.Privacy.EpsilonBudget;
        return after <= budget
            ? null
            : $"round {task.Round} of study {task.StudyId} would bring this site's epsilon to {after:G4}, past its local budget of {budget:G4}";
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

    private double Epsilon(IEnumerable<LocalPrivacyEntry> entries)
    {
        var history = entries.Select(e => new GaussianMechanismSteps(e.NoiseMultiplier, e.SamplingRate, e.Steps)).ToList();
        return history.Count == 0 ? 0 : _accountant.GetPrivacySpent(history, options.Value.Privacy.Delta).Epsilon;
    }

    private static LocalPrivacyEntry ToEntry(TrainingTask task) =>
        new(task.StudyId, task.Round, task.Privacy.NoiseMultiplier, task.Privacy.SamplingRate, task.Training.LocalSteps, DateTimeOffset.UtcNow);
}
