using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>
/// The fixed CNN used for evaluation, both as the feature extractor for Frechet distances and as
/// the classifier trained on synthetic images for TSTR: 3x3 convolutions with max-pooling down to
/// 7x7 (28x28 input) or 8x8 (64x64 input), then a 128-unit feature layer. Images in [-1, 1].
/// </summary>
public sealed class ImageClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Changes whenever the layers change, so cached weights of an older design are never reused.</summary>
    public const string ArchitectureId = "fedgan-eval-cnn-v1";

    public const int FeatureSize = 128;

    private readonly Conv2d[] convolutions;
    private readonly Linear features;
    private readonly Linear output;

    public ImageClassifier(int imageSize, int classes) : base("image_classifier")
    {
        if (imageSize is not (28 or 64))
            throw new ArgumentException($"The evaluation CNN takes 28x28 or 64x64 images, not {imageSize}x{imageSize}.");
        if (classes < 2)
            throw new ArgumentException($"A classifier needs at least 2 classes, not {classes}.");
        ImageSize = imageSize;
        Classes = classes;
        var channels = imageSize == 28 ? new long[] { 1, 32, 64 } : [1, 32, 64, 64];
        convolutions = new Conv2d[channels.Length - 1];
        for (var i = 0; i < convolutions.Length; i++)
        {
            convolutions[i] = nn.Conv2d(channels[i], channels[i + 1], 3, padding: 1);
            register_module($"conv{i + 1}", convolutions[i]);
        }

        var side = imageSize >> convolutions.Length;
        features = nn.Linear(channels[^1] * side * side, FeatureSize);
        output = nn.Linear(FeatureSize, classes);
        register_module("features", features);
        register_module("output", output);
    }

    public int ImageSize { get; }

    public int Classes { get; }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return output.forward(Features(images)).MoveToOuterDisposeScope();
    }

    /// <summary>The 128-dimensional representation the Frechet distance is measured in.</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = images;
        foreach (var convolution in convolutions)
            h = nn.functional.max_pool2d(nn.functional.relu(convolution.forward(h)), 2);
        return nn.functional.relu(features.forward(h.flatten(1))).MoveToOuterDisposeScope();
    }
}
