using System.Security.Cryptography;
using System.Text;
using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>
/// The evaluation CNN is trained once per (training data, architecture, recipe) and kept on disk:
/// every later evaluation loads it, so all runs measure in the same feature space. The file name
/// is a hash of exactly those inputs, so changed data or a changed design never reuses old weights.
/// </summary>
public static class EvaluationClassifierCache
{
    /// <summary>$FEDGAN_CACHE_DIR, else $XDG_CACHE_HOME/fedgan, else ~/.cache/fedgan.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var explicitDirectory = Environment.GetEnvironmentVariable("FEDGAN_CACHE_DIR");
            if (!string.IsNullOrWhiteSpace(explicitDirectory))
                return explicitDirectory;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "fedgan");
        }
    }

    /// <summary>Where the classifier for these inputs is (or would be) stored.</summary>
    public static string PathFor(LabeledImages train, ClassifierTrainingSettings settings, string directory) =>
        Path.Combine(directory, $"eval-cnn-{Key(train, settings)}.safetensors");

    /// <summary>Loads the cached classifier, or trains it on <paramref name="train"/> and stores it.</summary>
    public static (ImageClassifier Classifier, bool FromCache) LoadOrTrain(
        LabeledImages train, ClassifierTrainingSettings settings, string directory, Action<int, int>? afterEachBatch = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        var classifier = new ImageClassifier(train.Height, train.ClassNames.Count);
        var path = PathFor(train, settings, directory);
        if (File.Exists(path))
        {
            ModelTensors.Load(classifier, path);
            classifier.eval();
            return (classifier, true);
        }

        manual_seed((long)settings.Seed);
        classifier = new ImageClassifier(train.Height, train.ClassNames.Count);
        using (var data = new TrainingImages(train))
            ClassifierTraining.Train(classifier, data.Images, data.Labels, settings, afterEachBatch);

        Directory.CreateDirectory(directory);
        // Write then rename, so a concurrent or interrupted run never sees half a file.
        var temporary = path + $".{Environment.ProcessId}.tmp";
        ModelTensors.Save(classifier, temporary, new Dictionary<string, string>
        {
            ["architecture"] = ImageClassifier.ArchitectureId,
            ["training"] = settings.ToString(),
            ["images"] = train.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        File.Move(temporary, path, overwrite: true);
        return (classifier, false);
    }

    private static string Key(LabeledImages train, ClassifierTrainingSettings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"{ImageClassifier.ArchitectureId}|{settings.Epochs}|{settings.BatchSize}|{settings.LearningRate:R}|{settings.Seed}|{train.Height}x{train.Width}|{string.Join(",", train.ClassNames)}|"));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(train.Pixels.AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(train.Labels.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
