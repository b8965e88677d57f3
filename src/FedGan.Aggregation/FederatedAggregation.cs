using System.Diagnostics;
using System.Globalization;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>Everything one aggregation reads: the model, the round's updates, the base version and how to combine them.</summary>
/// <param name="BaseWeightsSha256">The base version's recorded hash; the aggregation fails if the bytes read do not match it.</param>
/// <param name="NoiseSeed">Seeds the server noise (see <see cref="ServerNoise.Seed"/>); required when the settings ask for noise.</param>
/// <param name="OptimizerState">FedAdam's moments after the base version's round; null before the first FedAdam round.</param>
public sealed record AggregationJob(
    ModelLayout Layout,
    IReadOnlyList<WeightedUpdate> Updates,
    ITensorFileSource BaseWeights,
    string? BaseWeightsSha256,
    AggregationSettings Settings,
    double UpdateClipNorm,
    ulong? NoiseSeed = null,
    FedAdamState? OptimizerState = null,
    IReadOnlyDictionary<string, string>? WeightsMetadata = null);

/// <summary>
/// Wall-clock time of each phase of an aggregation: reading the updates into the weighted mean (the
/// base weights are read beside them), the server noise, and applying the optimizer while the
/// result is rounded and hashed.
/// </summary>
public sealed record AggregationTimings(TimeSpan WeightedMean, TimeSpan Noise, TimeSpan Apply)
{
    public TimeSpan Total => WeightedMean + Noise + Apply;
}

/// <summary>The next version's weights and lineage, and FedAdam's moments to store for the next round.</summary>
public sealed record AggregationOutcome(
    AggregatedWeights Weights,
    IReadOnlyList<Contribution> Contributions,
    string Method,
    double NoiseStandardDeviation,
    FedAdamState? OptimizerState,
    AggregationTimings Timings);

/// <summary>
/// One round's aggregation, start to finish, deterministic: the sample-weighted mean of the updates
/// (streamed, sites in id order; the base weights read beside them), server noise from the seeded
/// generator, the server optimizer, the result rounded to float32 and hashed. Memory: one double
/// per parameter per reading lane (<see cref="WeightedMean.Lanes"/>; the first is reused for the
/// result), one float per parameter for the base weights, plus FedAdam's two floats per
/// parameter, plus two read blocks for each file being read (<see cref="WeightedMean.GroupSize"/>
/// per lane, and the base); none of it grows with the number of updates.
/// </summary>
public static class FederatedAggregation
{
    public static async Task<AggregationOutcome> RunAsync(AggregationJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (ServerOptimizer.Validate(job.Settings) is { } invalid)
            throw new ArgumentException($"Invalid aggregation settings: {invalid}");
        if (!(job.UpdateClipNorm > 0) || !double.IsFinite(job.UpdateClipNorm))
            throw new ArgumentException("The update clip norm must be a positive number.");
        var settings = job.Settings;
        if (settings.ServerNoiseMultiplier > 0 && job.NoiseSeed is null)
            throw new ArgumentException("Server noise needs a seed.");

        var clock = Stopwatch.StartNew();
        var buffer = GC.AllocateUninitializedArray<double>(job.Layout.Parameters);
        var (contributions, lanes, baseWeights) = await ReadInputsAsync(job, buffer, cancellationToken);
        var meanTime = clock.Elapsed;

        // The noise goes into the last lane before the lanes are added: the same sum, one pass fewer.
        var std = ServerNoise.StandardDeviation(settings.ServerNoiseMultiplier, job.UpdateClipNorm, contributions.Max(c => c.Weight));
        if (std > 0)
            ServerNoise.Add(lanes[^1], std, job.NoiseSeed!.Value);
        var noiseTime = clock.Elapsed - meanTime;

        ServerOptimizer optimizer = settings.Method == ServerOptimizer.FedAdamName
            ? new FedAdamOptimizer(settings.ServerLearningRate, settings.Beta1, settings.Beta2, settings.Epsilon,
                job.OptimizerState ?? FedAdamState.Initial(job.Layout, settings.Epsilon))
            : new FedAvgOptimizer(settings.ServerLearningRate);
        // One pass, block by block: the other lanes added into the first (the mean), the server
        // optimizer applied, the block rounded to float32 and hashed.
        var weights = await AggregatedWeights.SealAsync(job.Layout, buffer, job.WeightsMetadata, (start, count) =>
        {
            var mean = buffer.AsSpan(start, count);
            for (var lane = 1; lane < lanes.Count; lane++)
                FlatVector.Add(mean, lanes[lane].AsSpan(start, count));
            optimizer.Apply(baseWeights.AsSpan(start, count), buffer, start);
        }, cancellationToken);
        var applyTime = clock.Elapsed - meanTime - noiseTime;

        var timings = new AggregationTimings(meanTime, noiseTime, applyTime);
        return new AggregationOutcome(weights, contributions, Describe(settings, job.UpdateClipNorm), std,
            (optimizer as FedAdamOptimizer)?.State, timings);
    }

    /// <summary>
    /// Reads the updates (their lanes) and the base weights at the same time: the base is one more
    /// file to hash, so it runs beside the lanes rather than after them. The base is kept as
    /// float32 (4 bytes per parameter) until the optimizer has used it.
    /// </summary>
    private static async Task<(IReadOnlyList<Contribution> Contributions, IReadOnlyList<double[]> Lanes, float[] BaseWeights)> ReadInputsAsync(
        AggregationJob job, double[] firstLane, CancellationToken cancellationToken)
    {
        var baseWeights = GC.AllocateUninitializedArray<float>(job.Layout.Parameters);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var baseRead = Task.Run(() => ModelFileReading.ReadAsync(job.BaseWeights, job.Layout, job.BaseWeightsSha256, ErrorCodes.WeightsMismatch,
            (values, offset) => values.CopyTo(baseWeights.AsSpan(offset)), failed.Token), CancellationToken.None);
        var sums = WeightedMean.SumLanesAsync(job.Layout, job.Updates, firstLane, failed.Token);
        // Whichever fails first stops the other; its error is the one reported.
        var first = await Task.WhenAny(baseRead, sums);
        if (!first.IsCompletedSuccessfully)
            await failed.CancelAsync();
        try
        {
            await Task.WhenAll(baseRead, sums);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            await first; // the cause, not the cancellation it triggered in the other
            throw;
        }

        var (contributions, lanes) = await sums;
        return (contributions, lanes, baseWeights);
    }

    /// <summary>
    /// The method as a version's lineage records it, in the registry's name alphabet (lower-case
    /// letters, digits, '.', '_', '-', at most 64): e.g. "fedavg_lr1",
    /// "fedadam_lr0.01_b0.9_0.99_tau0.001_z1.1_c1" (z and c: server noise multiplier and clip bound).
    /// Settings are written with 6 significant digits, fewer if that is still too long.
    /// </summary>
    public static string Describe(AggregationSettings settings, double updateClipNorm)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var digits in new[] { 6, 3, 1 })
        {
            string F(double value) => value.ToString($"G{digits}", CultureInfo.InvariantCulture).ToLowerInvariant();
            var name = settings.Method == ServerOptimizer.FedAdamName
                ? $"{ServerOptimizer.FedAdamName}_lr{F(settings.ServerLearningRate)}_b{F(settings.Beta1)}_{F(settings.Beta2)}_tau{F(settings.Epsilon)}"
                : $"{ServerOptimizer.FedAvgName}_lr{F(settings.ServerLearningRate)}";
            if (settings.ServerNoiseMultiplier > 0)
                name += $"_z{F(settings.ServerNoiseMultiplier)}_c{F(updateClipNorm)}";
            if (name.Length <= 64)
                return name;
        }
        return settings.ServerNoiseMultiplier > 0 ? $"{settings.Method}_dp" : settings.Method;
    }
}
