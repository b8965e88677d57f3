using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>A fully connected layer (y = x W^T + b) that exposes per-example gradient factors.</summary>
public sealed class PerExampleLinear : PerExampleLayer
{
    public PerExampleLinear(string name, long inFeatures, long outFeatures, bool bias = true)
        : base(name, [outFeatures, inFeatures], outFeatures, inFeatures, bias)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    public long InFeatures { get; }

    public long OutFeatures { get; }

    public override Tensor forward(Tensor input) => nn.functional.linear(input, Weight, Bias);

    public override Tensor InputFactors(Tensor input) => input.unsqueeze(2);

    public override Tensor OutputGradientFactors(Tensor outputGradient) => outputGradient.unsqueeze(2);
}
