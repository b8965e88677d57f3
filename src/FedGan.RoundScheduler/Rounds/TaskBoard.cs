using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>What a site should work on now: an open round it was admitted to and has neither uploaded for nor declined.</summary>
public sealed class TaskBoard(StudyStore store, TimeProvider clock)
{
    public async Task<TrainingTask?> FindTaskAsync(string siteId)
    {
        foreach (var studyId in await store.StudiesOfSiteAsync(siteId))
        {
            if (await store.GetStudyAsync(studyId) is not { Status: StudyStatus.Active } study
                || await store.GetRoundAsync(studyId, study.CurrentRound) is not { State: RoundState.Open } round
                || !round.AdmittedSites.Contains(siteId)
                || round.UploadedSites.Contains(siteId)
                || round.HasDeclined(siteId)
                || clock.GetUtcNow() >= round.Deadline)
            {
                continue;
            }

            var definition = study.Definition;
            return new TrainingTask(studyId, round.Round, round.BaseVersion, round.BaseSha256, definition.Architecture,
                definition.Training, definition.Privacy, definition.Update, round.Deadline);
        }

        return null;
    }

    /// <summary>Waits up to <paramref name="wait"/> for a task, checking once a second (long poll).</summary>
    public async Task<TrainingTask?> WaitForTaskAsync(string siteId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            if (await FindTaskAsync(siteId) is { } task)
            {
                return task;
            }

            if (clock.GetUtcNow() >= deadline || cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken);
        }
    }
}
