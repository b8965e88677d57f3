using System.CommandLine;
using System.Diagnostics;
using FedGan.Aggregation;
using FedGan.Contracts.Studies;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// <c>fedgan bench aggregate</c>: the aggregation core on K updates of P float32 parameters read
/// from local files through the same streaming reader (and SHA-256 check) the Aggregator uses on
/// staged blobs. Reports throughput in update bytes per second and the peak memory of each
/// configuration, against the targets: at least 1 GB/s, and peak memory flat in K (within 10%).
/// Each configuration is aggregated --repeat times in a row, as an aggregator does round after
/// round; the first repeat starts from memory handed back to the OS, so it also pays for faulting
/// its buffers in. Throughput is judged on the median repeat, and the slowest is shown beside it.
/// The CLI keeps freed memory committed (System.GC.RetainVM), as the Aggregator service does.
/// </summary>
public static class AggregateBenchCommand
{
    private const double TargetGigabytesPerSecond = 1.0;
    private const double TargetMemorySpread = 0.10;

    private sealed record Run(
        int Sites, int Parameters, long UpdateBytes, int Repeats, double Seconds, double FirstSeconds, double MaxSeconds,
        double WeightedMeanSeconds, double ApplySeconds, double ThroughputGbPerS, double SlowestThroughputGbPerS,
        long? PeakWorkingSetBytes, long? StartWorkingSetBytes, long? RunWorkingSetBytes, long GcAllocatedBytes, string WeightsSha256);

    private sealed record Timed(double Seconds, double WeightedMeanSeconds, double ApplySeconds, long GcAllocatedBytes, string WeightsSha256);

    private sealed record ByParameters(int Parameters, double? PeakWorkingSetSpread, bool? MemoryFlat, double MinThroughputGbPerS, bool ThroughputMet);

    private sealed record Report(
        int Processors, string? LoadAverageAtStart, bool GcRetainVm, string Method, string UpdateDtype, string Source, string MemoryMeasure,
        double TargetThroughputGbPerS, double TargetMemorySpread, IReadOnlyList<Run> Runs, IReadOnlyList<ByParameters> Summary);

    public static Command Create()
    {
        var sites = new Option<int[]>("--sites") { Description = "Numbers of updates K to aggregate.", DefaultValueFactory = _ => [8, 32, 128], AllowMultipleArgumentsPerToken = true };
        var parameters = new Option<int[]>("--parameters") { Description = "Model sizes P (float32 parameters).", DefaultValueFactory = _ => [1_000_000, 10_000_000], AllowMultipleArgumentsPerToken = true };
        var method = new Option<string>("--method") { Description = "Server optimizer: fedavg or fedadam.", DefaultValueFactory = _ => ServerOptimizer.FedAvgName };
        var directory = new Option<DirectoryInfo?>("--directory") { Description = "Where to write the update files (default: a temporary folder, removed after)." };
        var repeat = new Option<int>("--repeat") { Description = "Aggregations per configuration, one after the other; the median is reported.", DefaultValueFactory = _ => 7 };
        var command = new Command("aggregate", "Aggregate K updates of P parameters from local files: throughput and peak memory.")
        {
            sites, parameters, method, directory, repeat,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var ks = parsed.GetValue(sites)!;
            var ps = parsed.GetValue(parameters)!;
            if (ks.Length == 0 || ks.Any(k => k < 1) || ps.Length == 0)
                throw new CliUsageException("--sites must list numbers >= 1 and --parameters at least one size.");
            if (parsed.GetValue(repeat) < 1)
                throw new CliUsageException("--repeat must be at least 1.");
            var settings = new AggregationSettings(Method: parsed.GetValue(method)!);
            if (ServerOptimizer.Validate(settings) is { } invalid)
                throw new CliUsageException(invalid);
            return JsonOutput.Write(await RunAsync(ks.Distinct().Order().ToArray(), ps.Distinct().Order().ToArray(), settings,
                parsed.GetValue(directory), parsed.GetValue(repeat), cancellationToken));
        });
        return command;
    }

    private static async Task<Report> RunAsync(int[] siteCounts, int[] parameterCounts, AggregationSettings settings,
        DirectoryInfo? directory, int repeats, CancellationToken cancellationToken)
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
                await TimeAsync(layout, updates.Take(siteCounts[0]).ToList(), source, baseSha, settings, cancellationToken);
                foreach (var k in siteCounts)
                    runs.Add(await MeasureAsync(layout, updates.Take(k).ToList(), source, baseSha, settings, repeats, cancellationToken));
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
            var minThroughput = group.Min(r => r.ThroughputGbPerS); // of the medians
            return new ByParameters(group.Key, spread is null ? null : Math.Round(spread.Value, 4), spread <= TargetMemorySpread,
                minThroughput, minThroughput >= TargetGigabytesPerSecond);
        }).ToList();

        return new Report(Environment.ProcessorCount, loadAverage, AppContext.GetData("System.GC.RetainVM") is true or "true", settings.Method, "F32",
            "local files written and flushed to disk just before the run (so in the page cache where memory allows), each read once through SafetensorsStreamReader with its SHA-256 checked, as the Aggregator reads staged blobs",
            "peak_working_set_bytes: the process's VmHWM during the first repeat (runtime included), reset after a compacting full GC before it; start_working_set_bytes: VmRSS at that reset (runtime, loaded code, thread stacks and pooled buffers from earlier configurations); run_working_set_bytes: peak minus start, the memory the aggregation itself needed; gc_allocated_bytes: managed bytes allocated by one aggregation (the median repeat)",
            TargetGigabytesPerSecond, TargetMemorySpread, runs, summary);
    }

    private static async Task<Run> MeasureAsync(ModelLayout layout, IReadOnlyList<WeightedUpdate> updates, ITensorFileSource baseWeights,
        string baseSha, AggregationSettings settings, int repeats, CancellationToken cancellationToken)
    {
        ProcessMemory.ResetPeak();
        var start = ProcessMemory.WorkingSet();
        var timed = new List<Timed> { await TimeAsync(layout, updates, baseWeights, baseSha, settings, cancellationToken) };
        // The first repeat's peak is what one aggregation needs; later ones add whatever the GC
        // keeps of the earlier repeats' buffers instead of returning it to the OS.
        var peak = ProcessMemory.PeakWorkingSet();
        for (var r = 1; r < repeats; r++)
        {
            GC.Collect(); // What an idle aggregator's heap would have done between rounds.
            timed.Add(await TimeAsync(layout, updates, baseWeights, baseSha, settings, cancellationToken));
        }
        if (timed.Select(t => t.WeightsSha256).Distinct().Count() != 1)
            throw new InvalidOperationException("Repeated aggregations of the same updates gave different bytes.");

        var median = timed.OrderBy(t => t.Seconds).ElementAt(timed.Count / 2);
        var slowest = timed.Max(t => t.Seconds);
        var updateBytes = updates.Sum(u => new FileInfo(((LocalTensorFile)u.Source).Path).Length);
        return new Run(updates.Count, layout.Parameters, updateBytes, repeats, Math.Round(median.Seconds, 4), Math.Round(timed[0].Seconds, 4),
            Math.Round(slowest, 4), Math.Round(median.WeightedMeanSeconds, 4), Math.Round(median.ApplySeconds, 4),
            Math.Round(updateBytes / median.Seconds / 1e9, 3), Math.Round(updateBytes / slowest / 1e9, 3),
            peak, start, peak - start, median.GcAllocatedBytes, median.WeightsSha256);
    }

    private static async Task<Timed> TimeAsync(ModelLayout layout, IReadOnlyList<WeightedUpdate> updates, ITensorFileSource baseWeights,
        string baseSha, AggregationSettings settings, CancellationToken cancellationToken)
    {
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var outcome = await FederatedAggregation.RunAsync(
            new AggregationJob(layout, updates, baseWeights, baseSha, settings, UpdateClipNorm: 1.0), cancellationToken);
        // Publishing streams the result out; to a null stream here, so the write path is timed too.
        await outcome.Weights.WriteToAsync(Stream.Null, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        return new Timed(seconds, outcome.Timings.WeightedMean.TotalSeconds, outcome.Timings.Apply.TotalSeconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, outcome.Weights.Sha256);
    }
}
