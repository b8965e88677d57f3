using System.Globalization;
using FedGan.Contracts.Studies;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Local;

/// <summary>
/// The hospital's consent, checked before anything is downloaded or trained: a task is accepted only
/// for a study listed in <c>EdgeTrainer:ApprovedStudies</c>, with the approved model architecture
/// (and training settings, if the approval names them), and privacy terms within the approval.
/// </summary>
public sealed class StudyApprovalPolicy(IOptionsMonitor<EdgeTrainerOptions> options)
{
    /// <returns>Null when the hospital approved this task's study on these terms; otherwise the decline to send.</returns>
    public RoundDecline? Check(TrainingTask task)
    {
        var current = options.CurrentValue;
        if (!current.ApprovedStudies.TryGetValue(task.StudyId, out var approval))
        {
            return new RoundDecline(RoundDeclineReasons.NotApproved,
                $"Study {task.StudyId} is not in this site's approved studies (EdgeTrainer:ApprovedStudies).");
        }

        var architecture = ContractHash.Of(task.Architecture);
        if (architecture != approval.ArchitectureSha256)
        {
            return new RoundDecline(RoundDeclineReasons.ArchitectureNotApproved,
                $"Study {task.StudyId}'s model architecture has SHA-256 {architecture}; this site approved {approval.ArchitectureSha256}.");
        }

        var training = ContractHash.Of(task.Training);
        if (approval.TrainingSha256 is { } approved && training != approved)
        {
            return new RoundDecline(RoundDeclineReasons.TrainingNotApproved,
                $"Study {task.StudyId}'s training settings have SHA-256 {training}; this site approved {approved}.");
        }

        if (task.Privacy.EpsilonBudget > approval.MaxEpsilon)
        {
            return new RoundDecline(RoundDeclineReasons.BudgetExceeded,
                $"Study {task.StudyId} plans epsilon {Format(task.Privacy.EpsilonBudget)} per site; this site approved at most {Format(approval.MaxEpsilon)}.");
        }

        // An epsilon means little at a looser delta than the one the hospital counts at.
        if (task.Privacy.Delta > current.Privacy.Delta)
        {
            return new RoundDecline(RoundDeclineReasons.BudgetExceeded,
                $"Study {task.StudyId} counts epsilon at delta {Format(task.Privacy.Delta)}; this site accepts at most {Format(current.Privacy.Delta)}.");
        }

        return null;
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
