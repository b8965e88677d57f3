using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// The sample-weighted mean of a round's updates, sum_i (n_i / sum n) u_i, accumulated in double
/// vectors of the model's size, one per reading lane: each lane streams its updates from their
/// sources a few at a time (<see cref="GroupSize"/>), so memory does not grow with the number of
/// sites. Sites are added in ordinal order of their id, so the result is the same bytes whatever
/// order the updates arrived in.
/// </summary>
public static class WeightedMean
{
    public static IReadOnlyList<Contribution> Weigh(IEnumerable<WeightedUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var sorted = updates.OrderBy(u => u.SiteId, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0)
            throw new ArgumentException("A weighted mean needs at least one update.");
        if (sorted.Select(u => u.SiteId).Distinct(StringComparer.Ordinal).Count() != sorted.Count)
            throw new ArgumentException("Each site contributes at most one update.");
        if (sorted.Any(u => u.NumSamples <= 0))
            throw new ArgumentException("Every update needs a positive sample count.");
        var total = sorted.Sum(u => (double)u.NumSamples);
        return sorted.Select(u => new Contribution(u.SiteId, u.NumSamples, u.NumSamples / total, u.Sha256)).ToList();
    }

    /// <summary>
    /// Updates are summed in <see cref="Lanes"/> lanes that read concurrently, each into its own
    /// double accumulator. Reading an update means hashing it (SHA-256 is sequential within a file
    /// and runs at about 1.3 GB/s on one core of the reference machine), which bounds throughput far
    /// more than the additions do, so the parallelism comes from reading several files at once. The
    /// i-th site in id order goes to lane i mod <see cref="Lanes"/> and the lanes are added in lane
    /// order: the result depends neither on timing nor on the machine's core count, so a re-run
    /// after a crash, anywhere, gives the same bytes. Memory: one accumulator per lane, whatever K.
    /// </summary>
    public const int Lanes = 2;

    /// <summary>
    /// A lane reads its updates this many at a time, side by side (<see cref="ModelFileGroup"/>),
    /// so its accumulator is streamed through memory once per group rather than once per update.
    /// Memory: each file read holds two read blocks, so this bounds the reading buffers whatever K.
    /// </summary>
    public const int GroupSize = 4;

    /// <summary>Values of the accumulator (32 KB of doubles) that every file of a group adds into before moving on.</summary>
    private const int StripValues = 4096;

    /// <summary>
    /// Sums the weighted updates lane by lane, checking each update's hash against its receipt.
    /// The mean is the sum of the returned lanes, added in lane order; the first lane is
    /// <paramref name="firstLane"/> (whatever it held is overwritten), the others are allocated here. They are left
    /// unmerged so the caller can add them in the pass it makes over the vector anyway (applying
    /// the server optimizer) instead of in a pass of its own.
    /// </summary>
    public static async Task<(IReadOnlyList<Contribution> Contributions, IReadOnlyList<double[]> Lanes)> SumLanesAsync(
        ModelLayout layout, IReadOnlyList<WeightedUpdate> updates, double[] firstLane, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(firstLane);
        if (firstLane.Length != layout.Parameters)
            throw new ArgumentException($"The accumulator holds {firstLane.Length} values; the model has {layout.Parameters}.");
        var contributions = Weigh(updates);
        var bySite = updates.ToDictionary(u => u.SiteId, StringComparer.Ordinal);
        var laneCount = Math.Min(Lanes, contributions.Count);
        var accumulators = new double[laneCount][];
        accumulators[0] = firstLane;
        for (var lane = 1; lane < laneCount; lane++)
            accumulators[lane] = GC.AllocateUninitializedArray<double>(firstLane.Length);

        // One failing update (corrupt, mismatched) stops the other lanes too; its error is the one reported.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lanes = Enumerable.Range(0, laneCount).Select(lane => Task.Run(async () =>
        {
            try
            {
                var sum = accumulators[lane];
                var mine = Enumerable.Range(0, contributions.Count).Where(i => i % laneCount == lane).ToList();
                foreach (var group in mine.Chunk(GroupSize))
                {
                    var files = group.Select(i => bySite[contributions[i].SiteId]).Select(u => new ModelFile(u.Source, u.Sha256)).ToList();
                    var weights = group.Select(i => contributions[i].Weight).ToArray();
                    // The lane's first update sets every value (a file that matches the layout
                    // covers it all), which spares clearing the accumulator beforehand.
                    var startsLane = group[0] == lane;
                    await ModelFileGroup.ReadAsync(files, layout, ErrorCodes.StagedUpdateCorrupt,
                        chunk => AddGroupChunk(sum, chunk, weights, startsLane), failed.Token);
                }
            }
            catch when (!failed.IsCancellationRequested)
            {
                await failed.CancelAsync();
                throw;
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            await Task.WhenAll(lanes);
        }
        catch
        {
            // WhenAll reports the first lane's exception in lane order; the cause is the first
            // exception that is not the cancellation it triggered in the other lanes.
            var errors = lanes.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
            var cause = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
            cancellationToken.ThrowIfCancellationRequested();
            if (cause is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }

        return (contributions, accumulators);
    }

    /// <summary>
    /// Adds one step's values into the accumulator a strip at a time, every file of the step in
    /// group order within a strip, so the strip stays in cache across them. Each value still gets
    /// its terms in site order, one multiply and one add at a time: the same bytes as adding the
    /// files one after the other.
    /// </summary>
    private static void AddGroupChunk(double[] accumulator, GroupChunk chunk, double[] weights, bool startsLane)
    {
        var sum = accumulator.AsSpan(chunk.FlatOffset, chunk.Count);
        for (var start = 0; start < chunk.Count; start += StripValues)
        {
            var length = Math.Min(StripValues, chunk.Count - start);
            var strip = sum.Slice(start, length);
            for (var file = 0; file < chunk.Files; file++)
            {
                var member = chunk.Member(file);
                var values = chunk.Values(file).Slice(start, length);
                if (startsLane && member == 0)
                    FlatVector.SetScaled(strip, values, weights[member]);
                else
                    FlatVector.AddScaled(strip, values, weights[member]);
            }
        }
    }
}
