using System.Diagnostics.Metrics;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>What the dashboard shows about rounds: how long they take, how many sites take part.</summary>
public sealed class RoundMetrics
{
    private readonly Counter<long> _opened = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.opened", description: "Rounds opened");
    private readonly Counter<long> _completed = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.completed", description: "Rounds that published a version");
    private readonly Counter<long> _failed = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.failed", description: "Rounds that published nothing");
    private readonly Counter<long> _admissions = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.admissions", description: "Sites admitted or refused at round opening");
    private readonly Counter<long> _stuck = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.stuck", description: "Rounds that stopped progressing, by reason code");
    private readonly Counter<long> _stuckAttempts = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.stuck_attempts", description: "Failed attempts at a stuck round's step, by reason code");
    private readonly Counter<long> _resolutions = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.rounds.resolutions", description: "Stuck rounds an operator retried or failed");
    private readonly Histogram<double> _duration = FedGanTelemetry.Meter.CreateHistogram<double>("fedgan.rounds.duration", "s", "From opening to publication");
    private readonly Histogram<long> _contributors = FedGanTelemetry.Meter.CreateHistogram<long>("fedgan.rounds.contributors", description: "Sites whose update a round used");

    public void RoundOpened(string studyId, int admitted, int refused)
    {
        var study = new KeyValuePair<string, object?>("study", studyId);
        _opened.Add(1, study);
        _admissions.Add(admitted, study, new("outcome", "admitted"));
        _admissions.Add(refused, study, new("outcome", "refused"));
    }

    public void RoundCompleted(string studyId, TimeSpan duration, int contributors)
    {
        var study = new KeyValuePair<string, object?>("study", studyId);
        _completed.Add(1, study);
        _duration.Record(duration.TotalSeconds, study);
        _contributors.Record(contributors, study);
    }

    public void RoundFailed(string studyId) => _failed.Add(1, new KeyValuePair<string, object?>("study", studyId));

    /// <summary>A failed attempt; <paramref name="newlyStuck"/> when the round was progressing or stuck for another reason before.</summary>
    public void RoundStuck(string studyId, string code, bool newlyStuck)
    {
        var study = new KeyValuePair<string, object?>("study", studyId);
        var reason = new KeyValuePair<string, object?>("code", code);
        _stuckAttempts.Add(1, study, reason);
        if (newlyStuck)
        {
            _stuck.Add(1, study, reason);
        }
    }

    public void RoundResolved(string studyId, string code, string action) =>
        _resolutions.Add(1, new("study", studyId), new("code", code), new("action", action));
}
