namespace FedGan.Learning.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) from its IDX files: 28x28 grayscale clothing
/// images in 10 classes, 60,000 for training and 10,000 for testing.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names of labels 0..9, as published with the data set.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    public static LabeledImages LoadTrain(string directory = DefaultDirectory) =>
        Load(directory, "train-images-idx3-ubyte", "train-labels-idx1-ubyte");

    public static LabeledImages LoadTest(string directory = DefaultDirectory) =>
        Load(directory, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static LabeledImages Load(string directory, string imagesName, string labelsName)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST directory '{directory}' does not exist (on Debian: apt-get install dataset-fashion-mnist).");
        var imagesPath = Locate(directory, imagesName);
        var labelsPath = Locate(directory, labelsName);

        var images = IdxReader.Read(imagesPath);
        if (images.ElementType != IdxElementType.UInt8 || images.Dimensions.Length != 3)
            throw new ImageLoadException(imagesPath, $"expected unsigned bytes of shape N x H x W, found {images.ElementType} [{string.Join(", ", images.Dimensions)}].");
        var labels = IdxReader.Read(labelsPath);
        if (labels.ElementType != IdxElementType.UInt8 || labels.Dimensions.Length != 1)
            throw new ImageLoadException(labelsPath, $"expected unsigned bytes of shape N, found {labels.ElementType} [{string.Join(", ", labels.Dimensions)}].");
        if (labels.Dimensions[0] != images.Dimensions[0])
            throw new ImageLoadException(labelsPath, $"{labels.Dimensions[0]} labels for {images.Dimensions[0]} images in {imagesPath}.");

        var pixels = images.Values;
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] /= 255f;
        var labelValues = new int[labels.Values.Length];
        for (var i = 0; i < labelValues.Length; i++)
        {
            labelValues[i] = (int)labels.Values[i];
            if (labelValues[i] >= ClassNames.Count)
                throw new ImageLoadException(labelsPath, $"label {labelValues[i]} of image {i} is not one of the 10 classes.");
        }
        return new LabeledImages(pixels, labelValues, images.Dimensions[1], images.Dimensions[2], ClassNames);
    }

    // The Debian package ships gzip files; a user may also have unpacked copies.
    private static string Locate(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException($"Neither {name}.gz nor {name} is in '{directory}'.", Path.Combine(directory, name + ".gz"));
    }
}
