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

    // (rows, in*k*k, L): channel-major patches, the same order as Weight.reshape(out, -1).
    public override Tensor InputFactors(Tensor input) => nn.functional.unfold(input, KernelSize, padding: Padding, stride: Stride);

    public override Tensor OutputGradientFactors(Tensor outputGradient) => outputGradient.flatten(2);

    /// <summary>
    /// For a single input channel (D's first layer, on the images), each row's weight gradient is
    /// the correlation of its padded image with its output gradient dilated by the stride: one
    /// grouped convolution with the rows as groups, faster here than unfolding the images
    /// (0.7 ms against 1.3 ms for 128 rows of 28x28).
    /// </summary>
    public override Tensor? DirectRowWeightGradients(Tensor input, Tensor outputGradient)
    {
        if (InChannels != 1)
            return null;
        using var scope = NewDisposeScope();
        var rows = input.shape[0];
        // (1, rows, H + 2p, W + 2p): the rows become channels, one group each.
        var images = nn.functional.pad(input, [Padding, Padding, Padding, Padding]).transpose(0, 1);
        var kernels = outputGradient.reshape(rows * OutChannels, 1, outputGradient.shape[2], outputGradient.shape[3]);
        var correlation = nn.functional.conv2d(images, kernels, dilation: [Stride, Stride], groups: rows);
        return correlation.narrow(2, 0, KernelSize).narrow(3, 0, KernelSize)
            .reshape(rows, OutChannels, KernelSize * KernelSize).MoveToOuterDisposeScope();
    }
}
