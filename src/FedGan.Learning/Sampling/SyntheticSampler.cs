using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Sampling;

/// <summary>Labelled images drawn from a generator: 8-bit grey levels, row-major, one image after another.</summary>
public sealed record SyntheticBatch(int[] Labels, byte[] GreyLevels);

/// <summary>
/// Draws labelled images from a trained generator, class by class in the order asked, in batches
/// (so memory stays flat however many are drawn), reproducibly from a seed.
/// </summary>
public static class SyntheticSampler
{
    public const int DefaultBatchSize = 256;

    public static IEnumerable<SyntheticBatch> Draw(ConditionalGenerator generator, IReadOnlyList<int> classes, int perClass, ulong seed,
        int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var architecture = generator.Architecture;
        if (classes.Count == 0 || classes.Any(c => c < 0 || c >= architecture.Classes))
            throw new ArgumentException($"Classes must be between 0 and {architecture.Classes - 1} (the model's {architecture.Classes} classes).");
        if (perClass < 1)
            throw new ArgumentException($"Need at least one image per class, not {perClass}.");
        if (batchSize < 1)
            throw new ArgumentException($"The batch size must be positive, not {batchSize}.");
        return DrawBatches(generator, [.. classes.SelectMany(c => Enumerable.Repeat(c, perClass))], seed, batchSize);
    }

    private static IEnumerable<SyntheticBatch> DrawBatches(ConditionalGenerator generator, int[] labels, ulong seed, int batchSize)
    {
        var random = new Generator(seed);
        for (var start = 0; start < labels.Length; start += batchSize)
        {
            var batch = labels[start..Math.Min(labels.Length, start + batchSize)];
            using var scope = NewDisposeScope();
            var images = PixelRange.ToPixels(FakeImages.Generate(generator, tensor(batch.Select(l => (long)l).ToArray()), random));
            yield return new SyntheticBatch(batch, ToGreyLevels(images.contiguous().data<float>().ToArray()));
        }
    }

    /// <summary>[0, 1] to 0..255, rounded to nearest (as the sample grid shows them).</summary>
    public static byte[] ToGreyLevels(float[] pixels) =>
        [.. pixels.Select(v => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255))];
}
