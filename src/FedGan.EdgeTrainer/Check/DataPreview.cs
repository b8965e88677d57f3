using FedGan.Learning.Data;

namespace FedGan.EdgeTrainer.Check;

/// <summary>What the operator sees of the local data: images per class and a grid of a few of each, as a PNG on local disk.</summary>
public static class DataPreview
{
    /// <returns>(class name, image count) in the reader's class order.</returns>
    public static IReadOnlyList<(string ClassName, int Count)> CountByClass(LabeledImages images)
    {
        var counts = new int[images.ClassNames.Count];
        foreach (var label in images.Labels)
        {
            counts[label]++;
        }

        return images.ClassNames.Select((name, index) => (name, counts[index])).ToList();
    }

    /// <summary>One row per class with its first <paramref name="perClass"/> images (black where a class has fewer), via the lab's PNG grid.</summary>
    public static byte[] Grid(LabeledImages images, int perClass)
    {
        var size = images.Height;
        var pixels = new float[images.ClassNames.Count * perClass * size * size];
        var filled = new int[images.ClassNames.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var label = images.Labels[i];
            if (filled[label] < perClass)
            {
                images.Image(i).CopyTo(pixels.AsSpan((label * perClass + filled[label]) * size * size, size * size));
                filled[label]++;
            }
        }

        return FedGan.Learning.Evaluation.SampleGrid.FromPixels(pixels, images.ClassNames.Count, perClass, size);
    }
}
