using System.CommandLine;
using System.Diagnostics;
using FedGan.Aggregation;
using FedGan.Contracts.Studies;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// <c>fedgan bench aggregate</c>: the aggregation core on K updates of P float32 parameters read
/// from local files through the same streaming reader (and SHA-256 check) the Aggregator uses on
/// staged blobs. Reports throughput in update bytes per second and the peak memory of each run,
/// against the targets: at least 1 GB/s, and peak memory flat in K (within 10%).
/// </summary>
public static class AggregateBenchCommand
{
    private const double TargetGigabytesPerSecond = 1.0;
    private const double TargetMemorySpread = 0.10;

    private sealed record Run(
        int Sites, int Parameters, long UpdateBytes, double Seconds, double WeightedMeanSeconds, double ApplySeconds,
        double ThroughputGbPerS, long? PeakWorkingSetBytes, long? StartWorkingSetBytes, long? RunWorkingSetBytes,
        long GcAllocatedBytes, string WeightsSha256);

    private sealed record ByParameters(int Parameters, double? PeakWorkingSetSpread, bool? MemoryFlat, double MinThroughputGbPerS, bool ThroughputMet);

    private sealed record Report(
        int Processors, string? LoadAverageAtStart, string Method, string UpdateDtype, string Source, string MemoryMeasure,
        double TargetThroughputGbPerS, double TargetMemorySpread, IReadOnlyList<Run> Runs, IReadOnlyList<ByParameters> Summary);

    public static Command Create()
    {
        var sites = new Option<int[]>("--sites") { Description = "Numbers of updates K to aggregate.", DefaultValueFactory = _ => [8, 32, 128], AllowMultipleArgumentsPerToken = true };
        var parameters = new Option<int[]>("--parameters") { Description = "Model sizes P (float32 parameters).", DefaultValueFactory = _ => [1_000_000, 10_000_000], AllowMultipleArgumentsPerToken = true };
        var method = new Option<string>("--method") { Description = "Server optimizer: fedavg or fedadam.", DefaultValueFactory = _ => ServerOptimizer.FedAvgName };
        var directory = new Option<DirectoryInfo?>("--directory") { Description = "Where to write the update files (default: a temporary folder, removed after)." };
        var command = new Command("aggregate", "Aggregate K updates of P parameters from local files: throughput and peak memory.")
        {
            sites, parameters, method, directory,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var ks = parsed.GetValue(sites)!;
            var ps = parsed.GetValue(parameters)!;
            if (ks.Length == 0 || ks.Any(k => k < 1) || ps.Length == 0)
                throw new CliUsageException("--sites must list numbers >= 1 and --parameters at least one size.");
            var settings = new AggregationSettings(Method: parsed.GetValue(method)!);
            if (ServerOptimizer.Validate(settings) is { } invalid)
                throw new CliUsageException(invalid);
            return JsonOutput.Write(await RunAsync(ks.Distinct().Order().ToArray(), ps.Distinct().Order().ToArray(), settings,
                parsed.GetValue(directory), cancellationToken));
        });
        return command;
    }

    private static async Task<Report> RunAsync(int[] siteCounts, int[] parameterCounts, AggregationSettings settings,
        DirectoryInfo? directory, CancellationToken cancellationToken)
    {
        var loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null;
        var root = directory?.FullName ?? Directory.CreateTempSubdirectory("fedgan-bench-aggregate-").FullName;
        var runs = new List<Run>();
        try
        {
            foreach (var parameters in parameterCounts)
            {
                var folder = Directory.CreateDirectory(Path.Combine(root, $"p{parameters}")).FullName;
                var layout = SyntheticModelFiles.Layout(parameters);
                var basePath = Path.Combine(folder, "base.safetensors");
                var baseSha = SyntheticModelFiles.Write(basePath, layout, seed: 7, scale: 0.05f, metadata: null);
                var updates = Enumerable.Range(0, siteCounts.Max())
                    .Select(site => SyntheticModelFiles.WriteUpdate(folder, layout, site)).ToList();
                var source = new LocalTensorFile(basePath, "base weights");

                // One untimed run first: JIT and the first touch of the pool's buffers.
                await MeasureAsync(layout, updates.Take(siteCounts[0]).ToList(), source, baseSha, settings, cancellationToken);
                foreach (var k in siteCounts)
                    runs.Add(await MeasureAsync(layout, updates.Take(k).ToList(), source, baseSha, settings, cancellationToken));
                Directory.Delete(folder, recursive: true);
            }
        }
        finally
        {
            if (directory is null)
                Directory.Delete(root, recursive: true);
        }

        var summary = runs.GroupBy(r => r.Parameters).Select(group =>
        {
            var peaks = group.Select(r => r.PeakWorkingSetBytes).ToList();
            double? spread = peaks.All(p => p is not null) ? (double)peaks.Max()!.Value / peaks.Min()!.Value - 1 : null;
            var minThroughput = group.Min(r => r.ThroughputGbPerS);
            return new ByParameters(group.Key, spread is null ? null : Math.Round(spread.Value, 4), spread <= TargetMemorySpread,
                minThroughput, minThroughput >= TargetGigabytesPerSecond);
        }).ToList();

        return new Report(Environment.ProcessorCount, loadAverage, settings.Method, "F32",
            "local files written and flushed to disk just before the run (so in the page cache where memory allows), each read once through SafetensorsStreamReader with its SHA-256 checked, as the Aggregator reads staged blobs",
            "peak_working_set_bytes: the process's VmHWM during the run (runtime included), reset after a full GC before it; start_working_set_bytes: VmRSS at that reset, (runtime, loaded code, thread stacks and pooled buffers from earlier runs); run_working_set_bytes: peak minus start, the memory the aggregation itself needed; gc_allocated_bytes: managed bytes allocated during the run",
            TargetGigabytesPerSecond, TargetMemorySpread, runs, summary);
    }

    private static async Task<Run> MeasureAsync(ModelLayout layout, IReadOnlyList<WeightedUpdate> updates, ITensorFileSource baseWeights,
        string baseSha, AggregationSettings settings, CancellationToken cancellationToken)
    {
        ProcessMemory.ResetPeak();
        var start = ProcessMemory.WorkingSet();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var outcome = await FederatedAggregation.RunAsync(
            new AggregationJob(layout, updates, baseWeights, baseSha, settings, UpdateClipNorm: 1.0), cancellationToken);
        // Publishing streams the result out; to a null stream here, so the write path is timed too.
        await outcome.Weights.WriteToAsync(Stream.Null, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var peak = ProcessMemory.PeakWorkingSet();

        var updateBytes = updates.Sum(u => new FileInfo(((LocalTensorFile)u.Source).Path).Length);
        return new Run(updates.Count, layout.Parameters, updateBytes, Math.Round(seconds, 4),
            Math.Round(outcome.Timings.WeightedMean.TotalSeconds, 4), Math.Round(outcome.Timings.Apply.TotalSeconds, 4),
            Math.Round(updateBytes / seconds / 1e9, 3), peak, start, peak - start, allocated, outcome.Weights.Sha256);
    }
}
