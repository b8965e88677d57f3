using FedGan.Learning.Data;
using FedGan.Learning.Data.Dicom;
using FedGan.Learning.Data.Npz;
using Microsoft.Extensions.Options;

namespace FedGan.EdgeTrainer.Local;

/// <summary>
/// The hospital's images, read once from local disk with the configured reader. They never leave
/// this process: only model updates computed from them are uploaded.
/// </summary>
public sealed class LocalDataset(IOptions<EdgeTrainerOptions> options, ILogger<LocalDataset> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, LabeledImages> _bySize = [];

    public LabeledImages Load(int imageSize)
    {
        lock (_gate)
        {
            if (!_bySize.TryGetValue(imageSize, out var images))
            {
                var result = Read(options.Value.Data, imageSize);
                foreach (var failure in result.Report.Failures)
                {
                    // Paths are the hospital's own; they stay in its local logs.
                    logger.LogWarning("Skipped {Path}: {Reason}", failure.Path, failure.Reason);
                }

                images = result.Images;
                logger.LogInformation("Loaded {Count} local images of {Size}x{Size} in {Classes} classes from {Source}",
                    images.Count, imageSize, imageSize, images.ClassNames.Count, options.Value.Data.Source);
                _bySize[imageSize] = images;
            }

            return images;
        }
    }

    /// <summary>Reads the configured source at <paramref name="imageSize"/>, with the files the reader skipped and why.</summary>
    /// <exception cref="ImageLoadException">Nothing could be read.</exception>
    public static LoadResult Read(LocalDataOptions data, int imageSize)
    {
        var loadOptions = ImageLoadOptions.Square(imageSize);
        return data.Source switch
        {
            "fashion-mnist-partition" => Complete(FashionMnistPartition(data, imageSize)),
            "idx" => Complete(Resized(FashionMnist.LoadTrain(RequirePath(data)), imageSize)),
            "image-folder" => ImageFolder.Load(RequirePath(data), loadOptions),
            "dicom-folder" => DicomFolder.Load(RequirePath(data), loadOptions),
            "dicom-manifest" => DicomFolder.LoadWithManifest(RequirePath(data), loadOptions),
            "npz" => Complete(MedMnistArchive.Load(RequirePath(data), "train", loadOptions)),
            _ => throw new InvalidOperationException(
                $"EdgeTrainer:Data:Source '{data.Source}' is not one of {string.Join(", ", LocalDataOptions.Sources)}."),
        };
    }

    private static LoadResult Complete(LabeledImages images) => new(images, new LoadReport(images.Count, []));

    private static LabeledImages FashionMnistPartition(LocalDataOptions data, int imageSize)
    {
        if (data.PartitionIndex > data.PartitionSites)
        {
            throw new InvalidOperationException($"Partition index {data.PartitionIndex} is past the {data.PartitionSites} simulated sites.");
        }

        var all = FashionMnist.LoadTrain(data.Path ?? FashionMnist.DefaultDirectory);
        var sites = SitePartitioner.Partition(all, new PartitionOptions(data.PartitionSites, data.PartitionAlpha, data.PartitionSeed));
        return Resized(sites[data.PartitionIndex - 1].Images, imageSize);
    }

    private static LabeledImages Resized(LabeledImages images, int imageSize) =>
        images.Height == imageSize && images.Width == imageSize
            ? images
            : throw new InvalidOperationException($"The images are {images.Height}x{images.Width}; the study's model needs {imageSize}x{imageSize}.");

    private static string RequirePath(LocalDataOptions data) =>
        data.Path ?? throw new InvalidOperationException($"EdgeTrainer:Data:Path is required for source '{data.Source}'.");
}
