using TorchSharp;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// D(image, label): a strided convolutional feature extractor phi and a projection head,
/// D(x, y) = w . phi(x) + b + e_y . phi(x) (Miyato and Koyama 2018). It has no batch
/// normalisation, so each image's score depends on that image alone, as per-example clipping
/// requires. With <see cref="GanArchitecture.DiscriminatorNorm"/>, each image's feature maps are
/// normalised over groups of its own channels after every convolution but the first (group norm,
/// as in DP-SGD classifiers, De et al. 2022): still one image at a time, and without parameters,
/// so the per-example gradients of the layers around it are unchanged in form.
/// Images are expected in [-1, 1].
/// </summary>
public sealed class ProjectionDiscriminator : nn.Module<Tensor, Tensor, Tensor>
{
    private const double LeakySlope = 0.2;
    private readonly PerExampleConv2d[] convolutions;
    private readonly PerExampleLinear critic;
    private readonly PerExampleLinear labelProjection;
    private readonly int classes;
    private readonly bool normalise;

    public ProjectionDiscriminator(GanArchitecture architecture) : base("discriminator")
    {
        Architecture = architecture.Validate();
        classes = architecture.Classes;
        normalise = architecture.DiscriminatorNorm;
        var width = architecture.DiscriminatorWidth;
        // 28: 28 -> 14 -> 7 -> 4 (the last kernel is 3 so 7 maps to 4); 64: 64 -> 32 -> 16 -> 8 -> 4.
        var stages = architecture.Upsamplings + 1;
        convolutions = new PerExampleConv2d[stages];
        long channels = 1;
        for (var i = 0; i < stages; i++)
        {
            var outChannels = (long)width << Math.Min(i, 3);
            var lastOf28 = architecture.ImageSize == 28 && i == stages - 1;
            var name = $"conv{i + 1}";
            convolutions[i] = new PerExampleConv2d(name, channels, outChannels, lastOf28 ? 3 : 4, stride: 2, padding: 1);
            register_module(name, convolutions[i]);
            channels = outChannels;
        }

        FeatureCount = channels * 4 * 4;
        critic = new PerExampleLinear("critic", FeatureCount, 1);
        labelProjection = new PerExampleLinear("label_projection", classes, FeatureCount, bias: false);
        register_module("critic", critic);
        register_module("label_projection", labelProjection);
    }

    public GanArchitecture Architecture { get; }

    public long FeatureCount { get; }

    /// <summary>Every layer with parameters; together they own all of D's parameters.</summary>
    public IReadOnlyList<PerExampleLayer> Layers => [.. convolutions, critic, labelProjection];

    /// <summary>One unnormalised real-vs-fake logit per image.</summary>
    public override Tensor forward(Tensor images, Tensor labels) => Score(images, labels, activations: null);

    /// <summary>Like <see cref="forward"/>, and records each layer's activations when asked to.</summary>
    public Tensor Score(Tensor images, Tensor labels, LayerActivations? activations)
    {
        using var scope = NewDisposeScope();
        var features = Features(images, activations);
        var oneHot = nn.functional.one_hot(labels, classes).to(features.dtype);
        var unconditional = Apply(critic, features, activations).squeeze(1);
        var projection = Apply(labelProjection, oneHot, activations);
        var score = unconditional + (features * projection).sum(1);
        KeepActivations(activations);
        return score.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The score of <see cref="Score"/> and, beside it, the projection read as a classifier: logit
    /// c of an image is e_c . phi(x), its score's class term had it been labelled c (the
    /// classification loss of Omni-GAN, Zhou et al. 2021, on the embeddings D already has). The
    /// label projection is applied once, to every class's one-hot at each row (a row of C
    /// positions), so per-example gradients still see each layer once.
    /// </summary>
    public (Tensor Scores, Tensor ClassLogits) ScoreAndClassify(Tensor images, Tensor labels, LayerActivations? activations)
    {
        using var scope = NewDisposeScope();
        var features = Features(images, activations);
        var rows = features.shape[0];
        var everyClass = eye(classes, dtype: features.dtype).unsqueeze(0).expand(rows, classes, classes);
        var embeddings = Apply(labelProjection, everyClass, activations);
        var classLogits = (embeddings * features.unsqueeze(1)).sum(2);
        var unconditional = Apply(critic, features, activations).squeeze(1);
        var score = unconditional + classLogits.gather(1, labels.unsqueeze(1)).squeeze(1);
        KeepActivations(activations);
        return (score.MoveToOuterDisposeScope(), classLogits.MoveToOuterDisposeScope());
    }

    private Tensor Features(Tensor images, LayerActivations? activations)
    {
        var h = images;
        for (var i = 0; i < convolutions.Length; i++)
        {
            h = Apply(convolutions[i], h, activations);
            if (normalise && i > 0)
                h = nn.functional.group_norm(h, GanArchitecture.DiscriminatorNormGroups);
            h = nn.functional.leaky_relu(h, LeakySlope);
        }
        return h.flatten(1);
    }

    private static void KeepActivations(LayerActivations? activations)
    {
        if (activations is null)
            return;
        foreach (var entry in activations.Entries)
        {
            entry.Input.MoveToOuterDisposeScope();
            entry.Output.MoveToOuterDisposeScope();
        }
    }

    private static Tensor Apply(PerExampleLayer layer, Tensor input, LayerActivations? activations) =>
        activations is null ? layer.forward(input) : activations.Apply(layer, input);
}
