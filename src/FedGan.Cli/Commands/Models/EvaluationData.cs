using FedGan.Cli.Commands.Lab;
using FedGan.Learning.Data;
using FedGan.Learning.Data.Npz;

namespace FedGan.Cli.Commands.Models;

/// <summary>
/// Real labelled images a coordinator holds for scoring a model: a folder with IDX files
/// (<c>t10k-*</c> for a test set, <c>train-*</c> for a reference set, gzip or not), a MedMNIST-style
/// <c>.npz</c> (its test or train split), or a folder of class sub-folders of PNG/JPEG images
/// (labels in the folders' sorted order). Anything unreadable is a usage error naming the path.
/// </summary>
internal static class EvaluationData
{
    public enum Role
    {
        Test,
        Reference,
    }

    public static LabeledImages Load(string option, string path, Role role, int imageSize)
    {
        var full = Path.GetFullPath(path);
        try
        {
            if (File.Exists(full) && full.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
                return MedMnistArchive.Load(full, role == Role.Test ? "test" : "train", ImageLoadOptions.Square(imageSize));
            if (!Directory.Exists(full))
                throw new CliUsageException($"{option} {full}: no such folder or .npz file.");
            var idx = role == Role.Test ? "t10k-images-idx3-ubyte" : "train-images-idx3-ubyte";
            if (File.Exists(Path.Combine(full, idx)) || File.Exists(Path.Combine(full, idx + ".gz")))
            {
                var images = role == Role.Test ? FashionMnist.LoadTest(full) : FashionMnist.LoadTrain(full);
                return images.Height == imageSize ? images : LabData.Upscale(images, imageSize);
            }

            var folder = ImageFolder.Load(full, ImageLoadOptions.Square(imageSize));
            if (folder.Report.HasFailures)
                Console.Error.WriteLine($"fedgan: {option}: {folder.Report}");
            return folder.Images.Count > 0 ? folder.Images : throw new CliUsageException($"{option} {full} holds no readable labelled images.");
        }
        catch (Exception ex) when (ex is IOException or ImageLoadException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{option} {full}: {ex.Message}");
        }
    }

    /// <summary>A seeded half of the images as the reference set, the other half as the test set.</summary>
    public static (LabeledImages Reference, LabeledImages Test) Split(LabeledImages images, ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var order = Enumerable.Range(0, images.Count).OrderBy(_ => random.Next()).ToArray();
        var half = images.Count / 2;
        return (images.Subset(order[..half]), images.Subset(order[half..]));
    }
}
