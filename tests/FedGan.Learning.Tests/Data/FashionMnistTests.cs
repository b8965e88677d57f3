using System.IO.Compression;
using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

/// <summary>Reads the real Fashion-MNIST files installed by Debian's dataset-fashion-mnist package.</summary>
public class FashionMnistTests
{
    private static readonly Lazy<LabeledImages> Train = new(() => FashionMnist.LoadTrain());

    [Fact]
    public void Train_set_has_the_published_size_and_class_balance()
    {
        var train = Train.Value;

        // Xiao et al. 2017: 60,000 training images of 28x28, 6,000 per class.
        Assert.Equal(60_000, train.Count);
        Assert.Equal((28, 28), (train.Height, train.Width));
        Assert.All(train.ClassCounts(), count => Assert.Equal(6_000, count));
    }

    [Fact]
    public void Test_set_has_the_published_size_and_class_balance()
    {
        var test = FashionMnist.LoadTest();

        Assert.Equal(10_000, test.Count);
        Assert.All(test.ClassCounts(), count => Assert.Equal(1_000, count));
    }

    [Fact]
    public void First_training_image_is_an_ankle_boot()
    {
        var train = Train.Value;

        Assert.Equal(9, train.Labels[0]);
        Assert.Equal("Ankle boot", train.ClassNames[train.Labels[0]]);
    }

    [Fact]
    public void Intensities_span_zero_to_one()
    {
        var pixels = Train.Value.Pixels;

        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());
    }

    [Fact]
    public void Pixels_match_the_raw_bytes_read_independently()
    {
        // Independent reading: skip the 16-byte IDX header (magic + 3 dimensions) of the gzip stream.
        var path = Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var head = new byte[16 + 2 * 784];
        gzip.ReadExactly(head);

        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28 }, head[..16]);
        var expected = head[16..].Select(b => b / 255f).ToArray();
        Assert.Equal(expected, Train.Value.Pixels[..(2 * 784)]);
    }

    [Fact]
    public void Missing_directory_names_the_package_to_install()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.LoadTrain("/nonexistent/fashion"));

        Assert.Contains("/nonexistent/fashion", error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
    }
}
