using FedGan.Learning.Models;
using FedGan.Learning.Sampling;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>A PNG with one row per class and <c>perClass</c> generated samples in each row.</summary>
public static class SampleGrid
{
    private const int Gap = 2;

    public static byte[] Render(ConditionalGenerator generator, int perClass, ulong seed)
    {
        if (perClass < 1)
            throw new ArgumentException($"Need at least one sample per class, not {perClass}.");
        var arch = generator.Architecture;
        using var labels = arange(arch.Classes, dtype: int64).repeat_interleave(perClass);
        using var images = FakeImages.Generate(generator, labels, new Generator(seed));
        using var pixels = PixelRange.ToPixels(images);
        var values = pixels.contiguous().data<float>().ToArray();
        return FromPixels(values, arch.Classes, perClass, arch.ImageSize);
    }

    /// <summary>Tiles <paramref name="rows"/> x <paramref name="columns"/> square images (row-major, [0, 1]) on a black background.</summary>
    public static byte[] FromPixels(float[] values, int rows, int columns, int size) =>
        FromGreyLevels(SyntheticSampler.ToGreyLevels(values), rows, columns, size);

    /// <summary>Tiles <paramref name="rows"/> x <paramref name="columns"/> square images of 8-bit grey levels on a black background.</summary>
    public static byte[] FromGreyLevels(byte[] values, int rows, int columns, int size)
    {
        if (values.Length != (long)rows * columns * size * size)
            throw new ArgumentException($"{rows}x{columns} images of {size}x{size} need {(long)rows * columns * size * size} values, not {values.Length}.");
        var width = columns * (size + Gap) + Gap;
        var height = rows * (size + Gap) + Gap;
        var canvas = new byte[width * height];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
            {
                var image = (r * columns + c) * size * size;
                for (var y = 0; y < size; y++)
                    Array.Copy(values, image + y * size, canvas, (Gap + r * (size + Gap) + y) * width + Gap + c * (size + Gap), size);
            }

        return Png.EncodeGrayscale(canvas, width, height);
    }
}
