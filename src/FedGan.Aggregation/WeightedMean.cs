using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Tensors;

namespace FedGan.Aggregation;

/// <summary>
/// The sample-weighted mean of a round's updates, sum_i (n_i / sum n) u_i, accumulated in one
/// double vector of the model's size: each update is streamed from its source in turn, so memory
/// does not grow with the number of sites. Sites are added in ordinal order of their id, so the
/// result is the same bytes whatever order the updates arrived in.
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

    /// <summary>Accumulates into <paramref name="mean"/> (zeroed first), checking each update's hash against its receipt.</summary>
    public static async Task<IReadOnlyList<Contribution>> ComputeAsync(ModelLayout layout, IReadOnlyList<WeightedUpdate> updates,
        double[] mean, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(mean);
        if (mean.Length != layout.Parameters)
            throw new ArgumentException($"The accumulator holds {mean.Length} values; the model has {layout.Parameters}.");
        var contributions = Weigh(updates);
        var bySite = updates.ToDictionary(u => u.SiteId, StringComparer.Ordinal);
        Array.Clear(mean);
        foreach (var contribution in contributions)
        {
            var update = bySite[contribution.SiteId];
            var weight = contribution.Weight;
            await ModelFileReading.ReadAsync(update.Source, layout, update.Sha256, ErrorCodes.StagedUpdateCorrupt,
                (values, offset) => FlatVector.AddScaled(mean.AsSpan(offset, values.Length), values, weight), cancellationToken);
        }
        return contributions;
    }
}
