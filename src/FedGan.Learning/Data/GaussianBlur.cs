namespace FedGan.Learning.Data;

/// <summary>Separable Gaussian blur of one image in place; borders replicate the edge pixel.</summary>
internal static class GaussianBlur
{
    /// <param name="kernel">From <see cref="Kernel"/>: odd length, normalised.</param>
    /// <param name="scratch">At least height * width floats.</param>
    public static void Apply(Span<float> image, int height, int width, double[] kernel, Span<float> scratch)
    {
        var radius = kernel.Length / 2;
        if (radius == 0)
            return;
        Span<float> line = stackalloc float[Math.Max(height, width) + 2 * radius];
        for (var y = 0; y < height; y++)
        {
            var row = image.Slice(y * width, width);
            Pad(row, line, radius, 1);
            Convolve(line, kernel, scratch.Slice(y * width, width), 1);
        }
        for (var x = 0; x < width; x++)
        {
            Pad(scratch[x..], line, radius, width, height);
            Convolve(line, kernel, image[x..], width, height);
        }
    }

    /// <summary>Normalised weights over [-ceil(3 sigma), ceil(3 sigma)]; a single 1 when sigma is negligible.</summary>
    internal static double[] Kernel(double sigma)
    {
        if (sigma < 1e-3)
            return [1.0];
        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (var k = -radius; k <= radius; k++)
            kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        var sum = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++)
            kernel[i] /= sum;
        return kernel;
    }

    // Copies count values taken every `stride` into `line`, with `radius` copies of each edge value on either side.
    private static void Pad(ReadOnlySpan<float> source, Span<float> line, int radius, int stride, int count = -1)
    {
        if (count < 0)
            count = source.Length;
        for (var i = 0; i < count; i++)
            line[radius + i] = source[i * stride];
        for (var k = 0; k < radius; k++)
        {
            line[k] = line[radius];
            line[radius + count + k] = line[radius + count - 1];
        }
    }

    private static void Convolve(ReadOnlySpan<float> line, double[] kernel, Span<float> target, int stride, int count = -1)
    {
        if (count < 0)
            count = target.Length;
        for (var i = 0; i < count; i++)
        {
            double sum = 0;
            for (var k = 0; k < kernel.Length; k++)
                sum += kernel[k] * line[i + k];
            target[i * stride] = (float)sum;
        }
    }
}
