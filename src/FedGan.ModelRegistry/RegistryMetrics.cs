using System.Diagnostics.Metrics;

namespace FedGan.ModelRegistry;

/// <summary>The registry's own instruments on <see cref="FedGanTelemetry.Meter"/>.</summary>
internal static class RegistryMetrics
{
    private static readonly Counter<long> VersionsPublished = FedGanTelemetry.Meter.CreateCounter<long>(
        "fedgan.registry.versions.published", "{version}", "Model versions published (first publication only, not idempotent repeats).");

    private static readonly Counter<long> BytesUploaded = FedGanTelemetry.Meter.CreateCounter<long>(
        "fedgan.registry.weights.uploaded", "By", "Bytes of weights files received, validated and stored.");

    private static readonly Counter<long> BytesDownloaded = FedGanTelemetry.Meter.CreateCounter<long>(
        "fedgan.registry.weights.downloaded", "By", "Bytes of weights files served (whole files and ranges).");

    public static void VersionPublished(int version) =>
        VersionsPublished.Add(1, new KeyValuePair<string, object?>("fedgan.initial_version", version == 0));

    public static void WeightsUploaded(long bytes) => BytesUploaded.Add(bytes);

    public static void WeightsDownloaded(long bytes) => BytesDownloaded.Add(bytes);
}
