namespace FedGan.Learning.Data;

/// <summary>
/// How one site's scanner differs from the others: a Gaussian blur (optics, sigma in pixels), then
/// contrast around mid-grey and a brightness offset, then additive Gaussian sensor noise; results
/// are clamped to [0,1]. The same parameters and seed always give the same images.
/// </summary>
public sealed record AcquisitionShift(double Contrast, double Brightness, double NoiseStd, double BlurSigma, int NoiseSeed)
{
    /// <summary>No change at all.</summary>
    public static AcquisitionShift None { get; } = new(1.0, 0.0, 0.0, 0.0, 0);

    // Ranges chosen so a shifted Fashion-MNIST image is still plainly recognisable, yet the
    // sites' intensity histograms differ measurably (a realistic scanner-to-scanner spread).
    internal const double MaxContrastChange = 0.25;
    internal const double MaxBrightnessChange = 0.08;
    internal const double MaxNoiseStd = 0.04;
    internal const double MaxBlurSigma = 1.0;

    public bool IsIdentity => Contrast == 1.0 && Brightness == 0.0 && NoiseStd == 0.0 && BlurSigma == 0.0;

    /// <summary>A site's shift drawn from <paramref name="random"/>, within the ranges above.</summary>
    internal static AcquisitionShift Draw(Random random)
    {
        var contrast = 1.0 + MaxContrastChange * (2 * random.NextDouble() - 1);
        var brightness = MaxBrightnessChange * (2 * random.NextDouble() - 1);
        var noise = MaxNoiseStd * random.NextDouble();
        var blur = MaxBlurSigma * random.NextDouble();
        return new AcquisitionShift(contrast, brightness, noise, blur, random.Next());
    }

    public LabeledImages Apply(LabeledImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (!(Contrast > 0) || !double.IsFinite(Contrast) || !double.IsFinite(Brightness) || !(NoiseStd >= 0) || !(BlurSigma >= 0))
            throw new InvalidOperationException($"Invalid acquisition shift {this}.");
        if (IsIdentity)
            return images;

        var pixels = (float[])images.Pixels.Clone();
        var size = images.PixelsPerImage;
        var scratch = new float[size];
        var noise = new Random(NoiseSeed);
        for (var i = 0; i < images.Count; i++)
        {
            var image = pixels.AsSpan(i * size, size);
            if (BlurSigma > 0)
                GaussianBlur.Apply(image, images.Height, images.Width, BlurSigma, scratch);
            for (var p = 0; p < image.Length; p++)
            {
                var value = (image[p] - 0.5) * Contrast + 0.5 + Brightness;
                if (NoiseStd > 0)
                    value += NoiseStd * RandomDraws.StandardNormal(noise);
                image[p] = (float)Math.Clamp(value, 0.0, 1.0);
            }
        }
        return new LabeledImages(pixels, images.Labels, images.Height, images.Width, images.ClassNames);
    }
}
