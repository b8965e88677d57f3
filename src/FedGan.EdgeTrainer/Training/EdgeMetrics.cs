using System.Diagnostics.Metrics;
using FedGan.EdgeTrainer.Local;

namespace FedGan.EdgeTrainer.Training;

/// <summary>What a hospital's trainer reports: round time, update norms, clipping, privacy spent, declined rounds.</summary>
public sealed class EdgeMetrics
{
    private readonly Histogram<double> _trainSeconds = FedGanTelemetry.Meter.CreateHistogram<double>("fedgan.edge.train.duration", "s", "Local training time per round");
    private readonly Histogram<double> _updateNorm = FedGanTelemetry.Meter.CreateHistogram<double>("fedgan.edge.update.norm", description: "L2 norm of uploaded updates (after clipping)");
    private readonly Histogram<double> _clipFraction = FedGanTelemetry.Meter.CreateHistogram<double>("fedgan.edge.dp.clip_fraction", description: "Fraction of per-record gradients clipped in DP-SGD");
    private readonly Counter<long> _uploads = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.edge.uploads", description: "Update uploads by outcome");
    private readonly Counter<long> _declines = FedGanTelemetry.Meter.CreateCounter<long>("fedgan.edge.declines", description: "Rounds this site declined, by reason");
    private double _epsilonSpent;

    public EdgeMetrics() =>
        FedGanTelemetry.Meter.CreateObservableGauge("fedgan.edge.epsilon_spent", () => Volatile.Read(ref _epsilonSpent),
            description: "Epsilon this site has spent in its current study (local ledger)");

    public void RoundTrained(string studyId, TimeSpan duration, TrainedUpdate update)
    {
        var study = new KeyValuePair<string, object?>("study", studyId);
        _trainSeconds.Record(duration.TotalSeconds, study);
        _updateNorm.Record(update.NormAfterClip, study);
        if (update.ClippedFraction is { } fraction)
        {
            _clipFraction.Record(fraction, study);
        }
    }

    public void Uploaded(string outcome) => _uploads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Declined(string reason) => _declines.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void EpsilonSpent(double epsilon) => Volatile.Write(ref _epsilonSpent, epsilon);
}
