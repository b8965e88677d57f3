using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One layer's per-record factors: A (n, T, in) and B (n, T, out), so that record i's weight
/// gradient is B_i^T A_i and its bias gradient is the column sum of B_i.
/// </summary>
public sealed class LayerGradientFactors(PerExampleLayer layer, Tensor inputs, Tensor outputGradients) : IDisposable
{
    public PerExampleLayer Layer { get; } = layer;

    public Tensor Inputs { get; } = inputs;

    public Tensor OutputGradients { get; } = outputGradients;

    public long Records => Inputs.shape[0];

    public long Positions => Inputs.shape[1];

    public long InFeatures => Inputs.shape[2];

    public long OutFeatures => OutputGradients.shape[2];

    /// <summary>Squared L2 norm of each record's gradient for this layer's weight and bias, shape (n).</summary>
    public Tensor SquaredNorms(PerExampleNormMethod method)
    {
        using var scope = NewDisposeScope();
        var weightNorms = ChooseMethod(method) == PerExampleNormMethod.Ghost
            ? GhostSquaredNorms()
            : MaterializedSquaredNorms();
        if (Layer.Bias is not null)
            weightNorms = weightNorms + OutputGradients.sum(1).square().sum(1);
        return weightNorms.MoveToOuterDisposeScope();
    }

    /// <summary>Sets the layer's parameter gradients to sum_i coefficients_i g_i (one matrix product, no per-record tensors).</summary>
    public void WriteWeightedSum(Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        var weighted = OutputGradients * coefficients.view(-1, 1, 1);
        var weightGradient = weighted.reshape(-1, OutFeatures).t().mm(Inputs.reshape(-1, InFeatures));
        SetGradient(Layer.Weight, weightGradient.reshape(Layer.Weight.shape));
        if (Layer.Bias is not null)
            SetGradient(Layer.Bias, weighted.sum([0, 1]));
    }

    public void Dispose()
    {
        Inputs.Dispose();
        OutputGradients.Dispose();
    }

    private PerExampleNormMethod ChooseMethod(PerExampleNormMethod method)
    {
        if (method != PerExampleNormMethod.Automatic)
            return method;
        var materialized = Positions * OutFeatures * InFeatures;
        var ghost = Positions * Positions * (OutFeatures + InFeatures);
        return ghost < materialized ? PerExampleNormMethod.Ghost : PerExampleNormMethod.Materialized;
    }

    private Tensor MaterializedSquaredNorms() =>
        OutputGradients.transpose(1, 2).bmm(Inputs).square().sum([1, 2]);

    private Tensor GhostSquaredNorms()
    {
        var inputGram = Inputs.bmm(Inputs.transpose(1, 2));
        var outputGram = OutputGradients.bmm(OutputGradients.transpose(1, 2));
        return (inputGram * outputGram).sum([1, 2]);
    }

    private static void SetGradient(TorchSharp.Modules.Parameter parameter, Tensor value)
    {
        var gradient = parameter.grad;
        if (gradient is null)
            parameter.grad = value.detach().clone().MoveToOuterDisposeScope();
        else
            gradient.copy_(value);
    }
}
