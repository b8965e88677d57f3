using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public class AcquisitionShiftTests
{
    private static LabeledImages Flat(float value, int size = 5) =>
        new(Enumerable.Repeat(value, size * size).ToArray(), [0], size, size, ["x"]);

    [Fact]
    public void Contrast_and_brightness_act_around_mid_grey()
    {
        var shift = new AcquisitionShift(Contrast: 1.2, Brightness: 0.05, NoiseStd: 0, BlurSigma: 0, NoiseSeed: 0);

        var shifted = shift.Apply(Flat(0.3f));

        // (0.3 - 0.5) * 1.2 + 0.5 + 0.05 = 0.31
        Assert.All(shifted.Pixels, p => Assert.Equal(0.31f, p, 6));
    }

    [Fact]
    public void Results_are_clamped_to_the_unit_range()
    {
        var shifted = new AcquisitionShift(2.0, 0.3, 0, 0, 0).Apply(Flat(0.9f));

        Assert.All(shifted.Pixels, p => Assert.Equal(1f, p));
    }

    [Fact]
    public void Blur_keeps_flat_images_flat_and_spreads_a_point()
    {
        // 9x9 so that the kernel (radius 3) around the centre never reaches the border.
        var point = new float[81];
        point[40] = 1f;
        var image = new LabeledImages(point, [0], 9, 9, ["x"]);
        var blur = new AcquisitionShift(1, 0, 0, BlurSigma: 0.8, 0);

        var blurred = blur.Apply(image).Pixels;

        Assert.All(blur.Apply(Flat(0.6f)).Pixels, p => Assert.Equal(0.6f, p, 6));
        // The centre keeps g(0)^2 of a normalised 1-D Gaussian kernel (radius ceil(3 * 0.8) = 3):
        // g(k) = exp(-k^2 / 1.28) / sum over k = -3..3, computed here independently.
        var weights = Enumerable.Range(-3, 7).Select(k => Math.Exp(-k * k / 1.28)).ToArray();
        var g0 = 1 / weights.Sum();
        Assert.Equal(g0 * g0, blurred[40], 6);
        Assert.Equal(1.0, blurred.Sum(), 5); // the kernel is normalised, so the total intensity is kept
    }

    [Fact]
    public void Noise_has_the_requested_spread_and_is_reproducible()
    {
        var shift = new AcquisitionShift(1, 0, NoiseStd: 0.05, 0, NoiseSeed: 9);

        var first = shift.Apply(Flat(0.5f, size: 100)).Pixels;
        var second = shift.Apply(Flat(0.5f, size: 100)).Pixels;

        Assert.Equal(first, second);
        var std = Math.Sqrt(first.Average(p => (p - 0.5) * (p - 0.5)));
        // 10,000 draws: the sample std of N(0, 0.05^2) has std 0.05 / sqrt(2 * 10000) = 0.00035;
        // +-0.003 is over 8 of those, so a chance failure is practically impossible.
        Assert.InRange(std, 0.047, 0.053);
    }

    [Fact]
    public void None_changes_nothing()
    {
        var images = Flat(0.25f);

        Assert.Same(images, AcquisitionShift.None.Apply(images));
    }
}
