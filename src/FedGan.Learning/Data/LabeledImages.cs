namespace FedGan.Learning.Data;

/// <summary>
/// N single-channel images, row-major, pixel values in [0,1], with integer labels in
/// [0, ClassNames.Count). The constructor checks all of this once, so code that trains on an
/// instance never has to.
/// </summary>
public sealed class LabeledImages
{
    public LabeledImages(float[] pixels, int[] labels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Image size must be positive, not {height}x{width}.");
        if (classNames.Count == 0)
            throw new ArgumentException("At least one class name is needed.", nameof(classNames));
        var imageSize = (long)height * width;
        if ((long)labels.Length * imageSize != pixels.Length)
            throw new ArgumentException(
                $"{labels.Length} labels of {height}x{width} images need {labels.Length * imageSize} pixels, not {pixels.Length}.");
        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException(
                    $"Label {labels[i]} of image {i} is outside the {classNames.Count} classes.", nameof(labels));
        }
        var badPixel = FirstPixelOutsideUnitRange(pixels);
        if (badPixel >= 0)
            throw new ArgumentException(
                $"Pixel {badPixel} (image {badPixel / imageSize}) is {pixels[badPixel]}; pixels must lie in [0,1].", nameof(pixels));

        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
        ClassNames = classNames.ToArray();
    }

    public int Count => Labels.Length;
    public int Height { get; }
    public int Width { get; }
    public int PixelsPerImage => Height * Width;
    public float[] Pixels { get; }
    public int[] Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Number of images of each class, indexed by label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (var label in Labels)
            counts[label]++;
        return counts;
    }

    /// <summary>A copy holding the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public LabeledImages Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var size = PixelsPerImage;
        var pixels = new float[(long)indices.Count * size];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            var source = indices[i];
            if ((uint)source >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {source} is outside the {Count} images.");
            Array.Copy(Pixels, (long)source * size, pixels, (long)i * size, size);
            labels[i] = Labels[source];
        }
        return new LabeledImages(pixels, labels, Height, Width, ClassNames);
    }

    /// <summary>All images of <paramref name="sets"/> in order; they must agree on size and classes.</summary>
    public static LabeledImages Concatenate(IReadOnlyList<LabeledImages> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
            throw new ArgumentException("Nothing to concatenate.", nameof(sets));
        var first = sets[0];
        foreach (var set in sets)
        {
            if (set.Height != first.Height || set.Width != first.Width)
                throw new ArgumentException($"Cannot concatenate {set.Height}x{set.Width} images with {first.Height}x{first.Width} ones.");
            if (!set.ClassNames.SequenceEqual(first.ClassNames, StringComparer.Ordinal))
                throw new ArgumentException("Cannot concatenate image sets with different class names.");
        }
        var pixels = sets.SelectMany(s => s.Pixels).ToArray();
        var labels = sets.SelectMany(s => s.Labels).ToArray();
        return new LabeledImages(pixels, labels, first.Height, first.Width, first.ClassNames);
    }

    private static long FirstPixelOutsideUnitRange(float[] pixels)
    {
        // Written as !(p >= 0 && p <= 1) so that NaN is caught too.
        for (long i = 0; i < pixels.LongLength; i++)
        {
            var p = pixels[i];
            if (!(p >= 0f && p <= 1f))
                return i;
        }
        return -1;
    }
}
