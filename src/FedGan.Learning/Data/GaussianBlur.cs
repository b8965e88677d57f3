namespace FedGan.Learning.Data;

/// <summary>Separable Gaussian blur of one image in place; borders replicate the edge pixel.</summary>
internal static class GaussianBlur
{
    public static void Apply(Span<float> image, int height, int width, double sigma, Span<float> scratch)
    {
        var kernel = Kernel(sigma);
        var radius = kernel.Length / 2;
        if (radius == 0)
            return;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                    sum += kernel[k + radius] * image[y * width + Math.Clamp(x + k, 0, width - 1)];
                scratch[y * width + x] = (float)sum;
            }
        }
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var k = -radius; k <= radius; k++)
                    sum += kernel[k + radius] * scratch[Math.Clamp(y + k, 0, height - 1) * width + x];
                image[y * width + x] = (float)sum;
            }
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
}
