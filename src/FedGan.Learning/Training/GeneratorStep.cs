using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One optimiser step of G against the current D, on fresh noise with labels drawn from a fixed
/// mix (<see cref="GeneratorLabelMix"/>). It reads no training record (only D's weights and the
/// mix, whose privacy cost, if any, was paid when it was made), so it needs no clipping or noise.
/// </summary>
/// <param name="classLossWeight">Weight of the cross-entropy of D's class logits on G's images against the labels asked for.</param>
public sealed class GeneratorStep(ConditionalGan model, optim.Optimizer optimizer, Generator random, GeneratorLabelMix labelMix, double classLossWeight = 0)
{
    private readonly Parameter[] parameters = model.Generator.parameters().ToArray();

    /// <summary>G's optimiser, whose state the trainer saves and restores.</summary>
    internal optim.Optimizer Optimizer => optimizer;

    /// <summary>FedProx's pull towards the round's starting weights; none when null.</summary>
    public ProximalTerm? Proximal { get; init; }

    /// <summary>Updates G and returns its mean loss on the batch.</summary>
    public double Take(int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentException($"The generator batch size must be positive, not {batchSize}.");
        using var scope = NewDisposeScope();
        var arch = model.Architecture;
        var z = randn(batchSize, arch.LatentDim, generator: random);
        var labels = labelMix.Draw(batchSize, random);
        var fakes = model.Generator.forward(z, labels);
        Tensor loss;
        if (classLossWeight == 0)
            loss = GanLosses.GeneratorPerImage(model.Discriminator.forward(fakes, labels)).mean();
        else
        {
            var (scores, classLogits) = model.Discriminator.ScoreAndClassify(fakes, labels, activations: null);
            loss = GanLosses.GeneratorPerImage(scores).mean() + classLossWeight * GanLosses.ClassificationPerRow(classLogits, labels).mean();
        }

        // Only G's gradients: D's weight gradients would be wasted work.
        var gradients = autograd.grad([loss], parameters);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].grad is { } existing)
                existing.copy_(gradients[i]);
            else
                parameters[i].grad = gradients[i];
        }

        Proximal?.AddToGradients();
        optimizer.step();
        return loss.item<float>();
    }
}
