using FedGan.Contracts.Studies;

namespace FedGan.RoundScheduler.Studies;

/// <summary>A study as the scheduler keeps it: the definition and where it stands.</summary>
public sealed record StoredStudy(StudyDefinition Definition, StudyStatus Status, int CurrentRound, int LatestVersion, DateTimeOffset CreatedAt)
{
    public StudySummary ToSummary() => new(Definition, Status, CurrentRound, LatestVersion, CreatedAt);
}
