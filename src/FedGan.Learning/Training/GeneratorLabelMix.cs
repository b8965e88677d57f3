using FedGan.Privacy;
using FedGan.Tensors;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>Where a site's generator steps take their labels from.</summary>
public enum GeneratorLabelSource
{
    /// <summary>Every class equally often: reads no record.</summary>
    Uniform,

    /// <summary>In proportion to the site's own label histogram (noised under DP).</summary>
    SiteHistogram,
}

/// <summary>
/// The class proportions a site's G steps draw labels from. Under label skew a site's D has seen
/// no real image of the classes the site lacks, so its verdict on G's images of those classes is
/// arbitrary, and FedAvg spreads what G learnt from it to every site. Asking for classes in the
/// site's own proportions keeps each G step to what that D knows, and the weighted average of the
/// sites' proportions is the federation's label mix. The histogram is about the records, so under
/// DP it is released once with Gaussian noise (one record moves one count by one: L2 sensitivity
/// 1), and that release is part of the site's privacy spending (<see cref="Release"/>).
/// </summary>
public sealed class GeneratorLabelMix
{
    private GeneratorLabelMix(double[] probabilities, GaussianMechanismSteps? release)
    {
        Probabilities = probabilities;
        Release = release;
    }

    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>The Gaussian release the mix cost, composed with the site's D steps; null when it read no record or was not private.</summary>
    public GaussianMechanismSteps? Release { get; }

    public static GeneratorLabelMix Uniform(int classes)
    {
        if (classes < 1)
            throw new ArgumentException($"Need at least one class, not {classes}.");
        return new GeneratorLabelMix(Enumerable.Repeat(1.0 / classes, classes).ToArray(), null);
    }

    /// <summary>
    /// Proportions from the class counts, after N(0, <paramref name="noiseStandardDeviation"/>^2)
    /// noise on each count when it is positive (counts below zero after the noise count as zero).
    /// If no class is left, the mix falls back to uniform.
    /// </summary>
    public static GeneratorLabelMix FromHistogram(IReadOnlyList<int> counts, double noiseStandardDeviation, GaussianNoise? noise)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (!(noiseStandardDeviation >= 0) || !double.IsFinite(noiseStandardDeviation))
            throw new ArgumentException($"The histogram noise must be a finite number >= 0, not {noiseStandardDeviation}.");
        if (noiseStandardDeviation > 0 && noise is null)
            throw new ArgumentException("A noised histogram needs a noise source.");
        var noisy = counts.Select(c => (double)c).ToArray();
        if (noiseStandardDeviation > 0)
        {
            var draws = new double[noisy.Length];
            noise!.NextStandardNormals(draws);
            for (var c = 0; c < noisy.Length; c++)
                noisy[c] += noiseStandardDeviation * draws[c];
        }

        var kept = noisy.Select(v => Math.Max(v, 0)).ToArray();
        var total = kept.Sum();
        var release = noiseStandardDeviation > 0 ? new GaussianMechanismSteps(noiseStandardDeviation, 1, 1) : null;
        return total > 0
            ? new GeneratorLabelMix(kept.Select(v => v / total).ToArray(), release)
            : new GeneratorLabelMix(Uniform(counts.Count).Probabilities.ToArray(), release);
    }

    /// <summary><paramref name="count"/> labels drawn independently from the mix (int64).</summary>
    public Tensor Draw(long count, Generator random)
    {
        using var probabilities = tensor(Probabilities.ToArray(), dtype: float64);
        return multinomial(probabilities, count, replacement: true, generator: random);
    }
}
