using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>Accuracy and per-class recall (share of each true class predicted correctly) on a labelled test set.</summary>
public sealed record ClassificationScore(double Accuracy, IReadOnlyList<double> PerClassRecall)
{
    public static ClassificationScore Measure(ImageClassifier classifier, Tensor images, Tensor labels)
    {
        classifier.eval();
        using var predictions = ClassifierTraining.MapInBatches(images, batch => classifier.forward(batch).argmax(1));
        var predicted = predictions.data<long>().ToArray();
        var truth = labels.data<long>().ToArray();
        var correct = new int[classifier.Classes];
        var seen = new int[classifier.Classes];
        for (var i = 0; i < truth.Length; i++)
        {
            seen[truth[i]]++;
            if (predicted[i] == truth[i])
                correct[truth[i]]++;
        }

        var recall = seen.Select((n, c) => n == 0 ? double.NaN : (double)correct[c] / n).ToArray();
        return new ClassificationScore((double)correct.Sum() / truth.Length, recall);
    }
}
