using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>The one recipe every evaluation classifier is trained with, so TSTR numbers compare.</summary>
public sealed record ClassifierTrainingSettings(int Epochs = 3, int BatchSize = 128, double LearningRate = 1e-3, ulong Seed = 1)
{
    public ClassifierTrainingSettings Validate()
    {
        if (Epochs < 1)
            throw new ArgumentException($"Classifier training needs at least one epoch, not {Epochs}.");
        if (BatchSize < 1)
            throw new ArgumentException($"The classifier batch size must be positive, not {BatchSize}.");
        if (!(LearningRate > 0))
            throw new ArgumentException($"The classifier learning rate must be positive, not {LearningRate}.");
        return this;
    }
}

/// <summary>Trains an <see cref="ImageClassifier"/> with Adam and cross-entropy over shuffled mini-batches.</summary>
public static class ClassifierTraining
{
    /// <param name="images">(N, 1, H, W) in [-1, 1].</param>
    /// <param name="labels">(N) int64.</param>
    /// <param name="afterEachBatch">Called with (batches done, batches in total).</param>
    public static void Train(ImageClassifier classifier, Tensor images, Tensor labels, ClassifierTrainingSettings settings, Action<int, int>? afterEachBatch = null)
    {
        settings.Validate();
        var count = images.shape[0];
        if (count == 0 || labels.shape[0] != count)
            throw new ArgumentException($"Need one label per image and at least one image (got {count} images, {labels.shape[0]} labels).");
        var random = new Generator(settings.Seed);
        var optimizer = optim.Adam(classifier.parameters(), settings.LearningRate);
        var batchesPerEpoch = (int)((count + settings.BatchSize - 1) / settings.BatchSize);
        var total = batchesPerEpoch * settings.Epochs;
        var done = 0;
        classifier.train();
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            using var order = randperm(count, generator: random);
            for (long start = 0; start < count; start += settings.BatchSize)
            {
                using (var scope = NewDisposeScope())
                {
                    var indices = order.narrow(0, start, Math.Min(settings.BatchSize, count - start));
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(classifier.forward(images.index_select(0, indices)), labels.index_select(0, indices));
                    loss.backward();
                    optimizer.step();
                }

                afterEachBatch?.Invoke(++done, total);
            }
        }

        classifier.eval();
    }

    /// <summary>Applies <paramref name="map"/> to batches of <paramref name="images"/> without gradients and concatenates the results.</summary>
    public static Tensor MapInBatches(Tensor images, Func<Tensor, Tensor> map, int batchSize = 1000)
    {
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            using var batch = images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start));
            parts.Add(map(batch));
        }

        var result = cat(parts);
        foreach (var part in parts)
            part.Dispose();
        return result;
    }
}
