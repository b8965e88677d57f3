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

    // Rows of one input (rows, in) or of several positions (rows, positions, in), feature-major.
    public override Tensor InputFactors(Tensor input) => FeatureMajor(input);

    public override Tensor OutputGradientFactors(Tensor outputGradient) => FeatureMajor(outputGradient);

    private static Tensor FeatureMajor(Tensor rows) => rows.dim() == 2 ? rows.unsqueeze(2) : rows.transpose(1, 2);
}
