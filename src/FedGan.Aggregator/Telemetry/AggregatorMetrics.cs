using System.Diagnostics.Metrics;

namespace FedGan.Aggregator.Telemetry;

/// <summary>
/// The aggregator's own instruments on the FedGan meter: uploads accepted and refused (by code),
/// the L2 norms of accepted updates, and how long aggregations take. No tensor value is ever recorded.
/// </summary>
public sealed class AggregatorMetrics
{
    private readonly Counter<long> _accepted = FedGanTelemetry.Meter.CreateCounter<long>(
        "fedgan.aggregator.updates.accepted", "{update}", "Updates accepted into a round.");

    private readonly Counter<long> _refused = FedGanTelemetry.Meter.CreateCounter<long>(
        "fedgan.aggregator.updates.refused", "{update}", "Uploads refused, by error code.");

    private readonly Histogram<double> _norms = FedGanTelemetry.Meter.CreateHistogram<double>(
        "fedgan.aggregator.update.l2_norm", null, "L2 norm of each accepted update.");

    private readonly Histogram<double> _duration = FedGanTelemetry.Meter.CreateHistogram<double>(
        "fedgan.aggregator.aggregation.duration", "s", "Time from closing a round to its version being published.");

    public void Accepted(double norm)
    {
        _accepted.Add(1);
        _norms.Record(norm);
    }

    public void Refused(string code) => _refused.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <param name="method">fedavg or fedadam (not the full description: it would make every setting a series).</param>
    public void Aggregated(TimeSpan duration, string method) =>
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("method", method));
}
