using FedGan.Learning.Training;
using FedGan.Tensors;

namespace FedGan.Learning.Simulation;

/// <summary>
/// Sample-weighted FedAvg with the server step of DP-FedAvg (McMahan et al. 2018): the average
/// of the (already clipped) site updates, weights w_k = n_k / sum n, plus optional Gaussian noise.
/// One site moves the weighted average by at most w_k S (S the update bound), so noise of
/// standard deviation z S max_k w_k gives every site noise multiplier at least z.
/// Sums are accumulated in double, so the result barely depends on the order of sites.
/// </summary>
public sealed class FederatedAveraging
{
    private readonly List<(ModelUpdate Update, double Weight)> updates = [];

    public void Add(ModelUpdate update, double sampleCount)
    {
        if (!(sampleCount > 0))
            throw new ArgumentException($"A site's weight (its number of samples) must be positive, not {sampleCount}.");
        if (updates.Count > 0 && !SameLayout(updates[0].Update, update))
            throw new ArgumentException("Updates to be averaged must have the same tensor names and shapes.");
        updates.Add((update, sampleCount));
    }

    public int Count => updates.Count;

    /// <summary>The weighted average, with N(0, (z S max w)^2) noise when <paramref name="noiseMultiplier"/> z > 0.</summary>
    public ModelUpdate Average(double noiseMultiplier = 0, double? updateClipNorm = null, GaussianNoise? noise = null)
    {
        if (updates.Count == 0)
            throw new InvalidOperationException("No updates to average.");
        if (noiseMultiplier > 0 && (updateClipNorm is null || noise is null))
            throw new ArgumentException("Server noise needs the update clipping norm and a noise source.");
        var total = updates.Sum(u => u.Weight);
        var first = updates[0].Update.Tensors;
        var result = new NamedTensor[first.Count];
        for (var t = 0; t < first.Count; t++)
        {
            var sum = new double[first[t].Values.Length];
            foreach (var (update, weight) in updates)
                FlatVector.AddScaled(sum, update.Tensors[t].Values, weight / total);
            var average = new float[sum.Length];
            FlatVector.ScaleToSingle(sum, 1.0, average);
            result[t] = new NamedTensor(first[t].Name, first[t].Shape, average);
        }

        var averaged = ModelUpdate.From(result);
        if (noiseMultiplier > 0)
            averaged.AddNoise(noiseMultiplier * updateClipNorm!.Value * updates.Max(u => u.Weight) / total, noise!);
        return averaged;
    }

    private static bool SameLayout(ModelUpdate a, ModelUpdate b) =>
        a.Tensors.Count == b.Tensors.Count &&
        a.Tensors.Zip(b.Tensors).All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));
}
