using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>The non-saturating GAN losses (Goodfellow et al. 2014) written with softplus for stability.</summary>
public static class GanLosses
{
    /// <summary>D's loss on real images' scores, per row: -log sigmoid(s).</summary>
    public static Tensor RealRows(Tensor realScores) => nn.functional.softplus(-realScores);

    /// <summary>D's loss on fake images' scores, per row: -log(1 - sigmoid(s)).</summary>
    public static Tensor FakeRows(Tensor fakeScores) => nn.functional.softplus(fakeScores);

    /// <summary>G's loss per fake image: -log sigmoid(D(G(z), y)).</summary>
    public static Tensor GeneratorPerImage(Tensor fakeScores) => nn.functional.softplus(-fakeScores);

    /// <summary>Cross-entropy per row of class logits against each row's label: -log softmax(logits)_y.</summary>
    public static Tensor ClassificationPerRow(Tensor classLogits, Tensor labels) =>
        -nn.functional.log_softmax(classLogits, 1).gather(1, labels.unsqueeze(1)).squeeze(1);
}
