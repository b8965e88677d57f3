using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// The inputs and outputs of every <see cref="PerExampleLayer"/> one forward pass went through,
/// in order. The outputs stay in the autograd graph so their gradients can be asked for.
/// </summary>
public sealed class LayerActivations
{
    private readonly List<(PerExampleLayer Layer, Tensor Input, Tensor Output)> entries = [];

    public IReadOnlyList<(PerExampleLayer Layer, Tensor Input, Tensor Output)> Entries => entries;

    public Tensor Apply(PerExampleLayer layer, Tensor input)
    {
        var output = layer.forward(input);
        entries.Add((layer, input.detach(), output));
        return output;
    }
}
