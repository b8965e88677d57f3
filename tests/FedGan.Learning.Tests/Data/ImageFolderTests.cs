using FedGan.Learning.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace FedGan.Learning.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly byte[] Grey4x4 = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150];

    [Fact]
    public void Grey_png_loads_exactly_at_its_own_size()
    {
        SaveGrey("shoes/a.png", Grey4x4, 4, 4);

        var (images, report) = ImageFolder.Load(_folder.Root, ImageLoadOptions.Square(4));

        Assert.False(report.HasFailures);
        Assert.Equal(["shoes"], images.ClassNames);
        for (var i = 0; i < 16; i++)
            Assert.Equal(Grey4x4[i] / 255f, images.Pixels[i], 5);
    }

    [Fact]
    public void Area_downscale_averages_blocks()
    {
        SaveGrey("shoes/a.png", Grey4x4, 4, 4);

        var images = ImageFolder.Load(_folder.Root, ImageLoadOptions.Square(2)).Images;

        // Top-left block 0, 10, 40, 50 -> 25; top-right 20, 30, 60, 70 -> 45; then 105 and 125.
        float[] expected = [25 / 255f, 45 / 255f, 105 / 255f, 125 / 255f];
        for (var i = 0; i < 4; i++)
            Assert.Equal(expected[i], images.Pixels[i], 5);
    }

    [Fact]
    public void Colour_and_16_bit_images_become_bt601_grey()
    {
        using (var red = new Image<Rgb24>(1, 1, new Rgb24(255, 0, 0)))
            red.SaveAsPng(Ensure("colour/red.png"));
        using (var deep = new Image<L16>(1, 1, new L16(1000)))
            deep.SaveAsPng(Ensure("deep/deep.png"));

        var images = ImageFolder.Load(_folder.Root, ImageLoadOptions.Square(1)).Images;

        Assert.Equal(["colour", "deep"], images.ClassNames);
        Assert.Equal(0.299f, images.Pixels[0], 5);          // pure red: the BT.601 red weight
        Assert.Equal(1000f / 65535f, images.Pixels[1], 6);  // 16-bit precision kept
    }

    [Fact]
    public void Jpeg_loads_within_compression_error()
    {
        using (var flat = new Image<L8>(8, 8, new L8(128)))
            flat.SaveAsJpeg(Ensure("flat/a.jpg"), new JpegEncoder { Quality = 95 });

        var images = ImageFolder.Load(_folder.Root, ImageLoadOptions.Square(8)).Images;

        Assert.All(images.Pixels, p => Assert.InRange(p, 126 / 255f, 130 / 255f));
    }

    [Fact]
    public void Corrupt_and_unlabelled_files_are_reported_and_the_rest_loaded()
    {
        SaveGrey("shoes/good.png", Grey4x4, 4, 4);
        var corrupt = _folder.Write("shoes/corrupt.png", "this is not a png"u8.ToArray());
        var stray = _folder.Write("loose.png", File.ReadAllBytes(_folder.PathOf("shoes/good.png")));
        _folder.Write("shoes/readme.txt", "ignored"u8.ToArray());

        var (images, report) = ImageFolder.Load(_folder.Root);

        Assert.Equal(1, images.Count);
        Assert.Equal((28, 28), (images.Height, images.Width));
        Assert.Equal(new[] { corrupt, stray }.Order(), report.Failures.Select(f => f.Path).Order());
        Assert.Throws<ImageLoadException>(() => ImageFolder.Load(_folder.Root, new ImageLoadOptions { Strict = true }));
    }

    [Fact]
    public void Missing_folder_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(_folder.PathOf("nope")));
        Assert.Contains("nope", error.Message);
    }

    private void SaveGrey(string relative, byte[] values, int height, int width)
    {
        using var image = Image.LoadPixelData<L8>(values, width, height);
        image.SaveAsPng(Ensure(relative));
    }

    private string Ensure(string relative)
    {
        var path = _folder.PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
