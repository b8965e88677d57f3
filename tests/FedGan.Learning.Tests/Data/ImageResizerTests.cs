using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public class ImageResizerTests
{
    [Fact]
    public void Bilinear_upscale_uses_half_pixel_centres()
    {
        // [0, 1] to 4 columns: samples at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped), as
        // PyTorch's interpolate(mode="bilinear", align_corners=False) computes.
        var result = ImageResizer.Resize([0f, 1f], 1, 2, 1, 4, ResizeFilter.Bilinear);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], result);
    }

    [Fact]
    public void Area_downscale_by_a_non_integer_factor_weights_partial_pixels()
    {
        // 3 -> 2: output 0 covers [0, 1.5) = a + b/2 over 1.5; output 1 covers [1.5, 3).
        var result = ImageResizer.Resize([0.3f, 0.6f, 0.9f], 1, 3, 1, 2, ResizeFilter.Area);

        Assert.Equal((2 * 0.3 + 0.6) / 3, result[0], 6);
        Assert.Equal((0.6 + 2 * 0.9) / 3, result[1], 6);
    }

    [Fact]
    public void Constant_images_stay_constant_under_both_filters()
    {
        var flat = Enumerable.Repeat(0.4f, 28 * 28).ToArray();

        Assert.All(ImageResizer.Resize(flat, 28, 28, 64, 64, ResizeFilter.Bilinear), v => Assert.Equal(0.4f, v, 6));
        Assert.All(ImageResizer.Resize(flat, 28, 28, 9, 13, ResizeFilter.Area), v => Assert.Equal(0.4f, v, 6));
    }

    [Fact]
    public void Area_downscale_keeps_the_mean()
    {
        var random = new Random(3);
        var image = Enumerable.Range(0, 64 * 64).Select(_ => (float)random.NextDouble()).ToArray();

        var small = ImageResizer.Resize(image, 64, 64, 28, 28, ResizeFilter.Area);

        Assert.Equal(image.Average(), small.Average(), 4);
    }
}
