using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// G's normalisation layer: GroupNorm with a learned per-channel scale and shift and, when
/// class-conditional, a per-class one on top, y = GN(h) (weight + class_scale[c]) + bias +
/// class_shift[c] (conditional normalisation, as the generators that go with a projection
/// discriminator use; Miyato and Koyama 2018). The class terms start at zero, so a new
/// class-conditional G computes what the plain one does until it learns otherwise. Parameter
/// names: weight and bias (as torch's GroupNorm), class_scale and class_shift (classes x channels).
/// </summary>
public sealed class GeneratorNorm : nn.Module<Tensor, Tensor, Tensor>
{
    private const double Epsilon = 1e-5;
    private readonly long groups;
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Parameter? classScale;
    private readonly Parameter? classShift;

    public GeneratorNorm(long groups, long channels, int classes, bool classConditional) : base("generator_norm")
    {
        this.groups = groups;
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        register_parameter("weight", weight);
        register_parameter("bias", bias);
        if (classConditional)
        {
            classScale = new Parameter(zeros(classes, channels));
            classShift = new Parameter(zeros(classes, channels));
            register_parameter("class_scale", classScale);
            register_parameter("class_shift", classShift);
        }
    }

    /// <summary>Normalises feature maps (n, channels, h, w) of images whose labels are given as one-hot rows (n, classes).</summary>
    public override Tensor forward(Tensor features, Tensor oneHotLabels)
    {
        if (classScale is null || classShift is null)
            return nn.functional.group_norm(features, groups, weight, bias, Epsilon);
        using var scope = NewDisposeScope();
        var normalised = nn.functional.group_norm(features, groups, null, null, Epsilon);
        var scale = (weight + oneHotLabels.mm(classScale)).unsqueeze(-1).unsqueeze(-1);
        var shift = (bias + oneHotLabels.mm(classShift)).unsqueeze(-1).unsqueeze(-1);
        return (normalised * scale + shift).MoveToOuterDisposeScope();
    }
}
