using FedGan.Learning.Data;

namespace FedGan.Cli.Commands.Lab;

/// <summary>Fashion-MNIST for the lab commands, upscaled when the GAN works at 64x64; a missing or broken file is a usage error.</summary>
internal static class LabData
{
    public static (LabeledImages Train, LabeledImages Test) Load(string directory, int imageSize)
    {
        LabeledImages train, test;
        try
        {
            train = FashionMnist.LoadTrain(directory);
            test = FashionMnist.LoadTest(directory);
        }
        catch (Exception ex) when (ex is IOException or ImageLoadException)
        {
            throw new CliUsageException(ex.Message);
        }

        return imageSize == train.Height ? (train, test) : (Upscale(train, imageSize), Upscale(test, imageSize));
    }

    internal static LabeledImages Upscale(LabeledImages images, int size)
    {
        var pixels = new float[(long)images.Count * size * size];
        for (var i = 0; i < images.Count; i++)
            ImageResizer.Resize(images.Image(i), images.Height, images.Width, size, size, ResizeFilter.Bilinear)
                .CopyTo(pixels.AsSpan(i * size * size, size * size));
        // Bilinear weights are a convex combination, but rounding may leave 1 + 1e-7.
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = Math.Clamp(pixels[i], 0f, 1f);
        return new LabeledImages(pixels, images.Labels, size, size, images.ClassNames);
    }
}
