using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One layer's per-record factors, feature-major: A (n, in, T) and B (n, out, T), so that record
/// i's weight gradient is B_i A_i^T and its bias gradient is the row sum of B_i.
/// </summary>
public sealed class LayerGradientFactors(PerExampleLayer layer, Tensor inputs, Tensor outputGradients) : IDisposable
{
    // Per-record weight gradients (n, out, in), kept when the norms were computed from them so
    // that the clipped sum is a cheap weighted sum instead of a second contraction over T.
    private Tensor? materialized;

    public PerExampleLayer Layer { get; } = layer;

    public Tensor Inputs { get; } = inputs;

    public Tensor OutputGradients { get; } = outputGradients;

    public long Records => Inputs.shape[0];

    public long InFeatures => Inputs.shape[1];

    public long Positions => Inputs.shape[2];

    public long OutFeatures => OutputGradients.shape[1];

    /// <summary>Squared L2 norm of each record's gradient for this layer's weight and bias, shape (n).</summary>
    public Tensor SquaredNorms(PerExampleNormMethod method)
    {
        using var scope = NewDisposeScope();
        Tensor weightNorms;
        if (ChooseMethod(method) == PerExampleNormMethod.Ghost)
        {
            // ||B_i A_i^T||^2 = sum over positions t, s of (A_i^T A_i)_ts (B_i^T B_i)_ts.
            var inputGram = Inputs.transpose(1, 2).bmm(Inputs);
            var outputGram = OutputGradients.transpose(1, 2).bmm(OutputGradients);
            weightNorms = (inputGram * outputGram).sum([1, 2]);
        }
        else
        {
            materialized?.Dispose();
            materialized = OutputGradients.bmm(Inputs.transpose(1, 2)).DetachFromDisposeScope();
            weightNorms = materialized.square().sum([1, 2]);
        }

        if (Layer.Bias is not null)
            weightNorms = weightNorms + OutputGradients.sum(2).square().sum(1);
        return weightNorms.MoveToOuterDisposeScope();
    }

    /// <summary>Sets the layer's parameter gradients to sum_i coefficients_i g_i.</summary>
    public void WriteWeightedSum(Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        var c = coefficients.to(OutputGradients.dtype);
        Tensor weightGradient;
        if (materialized is not null)
        {
            weightGradient = c.unsqueeze(0).mm(materialized.reshape(Records, -1));
        }
        else
        {
            // sum over records and positions of c_i B_i A_i^T, as one matrix product.
            var weighted = (OutputGradients * c.view(-1, 1, 1)).permute(1, 0, 2).reshape(OutFeatures, -1);
            weightGradient = weighted.mm(Inputs.permute(0, 2, 1).reshape(-1, InFeatures));
        }

        SetGradient(Layer.Weight, weightGradient.reshape(Layer.Weight.shape));
        if (Layer.Bias is not null)
            SetGradient(Layer.Bias, c.unsqueeze(0).mm(OutputGradients.sum(2)).squeeze(0));
    }

    public void Dispose()
    {
        Inputs.Dispose();
        OutputGradients.Dispose();
        materialized?.Dispose();
    }

    private PerExampleNormMethod ChooseMethod(PerExampleNormMethod method)
    {
        if (method != PerExampleNormMethod.Automatic)
            return method;
        var materializedCost = Positions * OutFeatures * InFeatures;
        var ghostCost = Positions * Positions * (OutFeatures + InFeatures);
        return ghostCost < materializedCost ? PerExampleNormMethod.Ghost : PerExampleNormMethod.Materialized;
    }

    private static void SetGradient(TorchSharp.Modules.Parameter parameter, Tensor value)
    {
        // The parameter keeps its own reference to the gradient, so the dispose scope may free the wrapper.
        if (parameter.grad is { } gradient)
            gradient.copy_(value);
        else
            parameter.grad = value.detach().contiguous();
    }
}
