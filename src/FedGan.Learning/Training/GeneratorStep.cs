using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One optimiser step of G against the current D, on fresh noise with labels drawn uniformly.
/// It reads no training record (only D's weights), which is why it needs no clipping or noise;
/// drawing labels from the site's own label histogram would break that, so it does not.
/// </summary>
public sealed class GeneratorStep(ConditionalGan model, optim.Optimizer optimizer, Generator random)
{
    private readonly Parameter[] parameters = model.Generator.parameters().ToArray();

    /// <summary>Updates G and returns its mean loss on the batch.</summary>
    public double Take(int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentException($"The generator batch size must be positive, not {batchSize}.");
        using var scope = NewDisposeScope();
        var arch = model.Architecture;
        var z = randn(batchSize, arch.LatentDim, generator: random);
        var labels = randint(0, arch.Classes, [batchSize], dtype: int64, generator: random);
        var loss = GanLosses.GeneratorPerImage(model.Discriminator.forward(model.Generator.forward(z, labels), labels)).mean();
        // Only G's gradients: D's weight gradients would be wasted work.
        var gradients = autograd.grad([loss], parameters);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].grad is { } existing)
                existing.copy_(gradients[i]);
            else
                parameters[i].grad = gradients[i];
        }

        optimizer.step();
        return loss.item<float>();
    }
}
