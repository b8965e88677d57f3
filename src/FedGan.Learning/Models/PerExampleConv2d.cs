using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// A square-kernel 2-D convolution that exposes per-example gradient factors through its
/// unfolded (im2col) form: each output position is a linear layer on one kernel-sized patch.
/// </summary>
public sealed class PerExampleConv2d : PerExampleLayer
{
    public PerExampleConv2d(string name, long inChannels, long outChannels, long kernelSize, long stride, long padding, bool bias = true)
        : base(name, [outChannels, inChannels, kernelSize, kernelSize], outChannels, inChannels * kernelSize * kernelSize, bias)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    public long InChannels { get; }

    public long OutChannels { get; }

    public long KernelSize { get; }

    public long Stride { get; }

    public long Padding { get; }

    public override Tensor forward(Tensor input) =>
        nn.functional.conv2d(input, Weight, Bias, strides: [Stride, Stride], padding: [Padding, Padding]);

    public override (Tensor Inputs, Tensor OutputGradients) RowFactors(Tensor input, Tensor outputGradient) =>
        // (rows, in*k*k, L): channel-major patches, the same order as Weight.reshape(out, -1).
        (nn.functional.unfold(input, KernelSize, padding: Padding, stride: Stride), outputGradient.flatten(2));
}
