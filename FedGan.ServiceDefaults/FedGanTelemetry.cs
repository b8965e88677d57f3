using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The activity source and meter that FedGan's own code reports to, beside the framework's
/// instrumentation. Both are exported by <see cref="Extensions.ConfigureOpenTelemetry{TBuilder}"/>.
/// </summary>
public static class FedGanTelemetry
{
    public const string ActivitySourceName = "FedGan";
    public const string MeterName = "FedGan";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
