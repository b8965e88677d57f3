using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>Draws images from G without building an autograd graph.</summary>
public static class FakeImages
{
    /// <summary>One image per label, in the models' [-1, 1] range.</summary>
    public static Tensor Generate(ConditionalGenerator generator, Tensor labels, Generator random)
    {
        using var noGrad = no_grad();
        var size = generator.Architecture.ImageSize;
        if (labels.shape[0] == 0)
            return empty(0, 1, size, size);
        using var z = randn(labels.shape[0], generator.Architecture.LatentDim, generator: random);
        return generator.forward(z, labels);
    }
}
