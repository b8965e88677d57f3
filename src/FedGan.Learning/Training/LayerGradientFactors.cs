using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One layer's gradient factors per row, A (rows, in, L) and B (rows, out, L), for a batch laid
/// out as r blocks of n rows where row j of every block belongs to record j. Record j's weight
/// gradient is the sum over its rows of B A^T; its bias gradient the sum of B over rows and positions.
/// Nothing is copied into a per-record layout: the blocks are views of the row tensors. A (an
/// unfolding, for convolutions) is built only when a route needs it.
/// </summary>
public sealed class LayerGradientFactors : IDisposable
{
    private readonly Tensor layerInput;
    private readonly Tensor layerOutputGradient;
    private Tensor? inputs;
    private Tensor? rowBiasGradients;

    // Per-record weight gradients (n, out, in), kept when the norms were computed from them so
    // that the clipped sum is a cheap weighted sum instead of a second contraction.
    private Tensor? materialized;

    /// <param name="layerInput">What the layer was applied to (rows first).</param>
    /// <param name="layerOutputGradient">The gradient of the summed loss with respect to the layer's output.</param>
    public LayerGradientFactors(PerExampleLayer layer, Tensor layerInput, Tensor layerOutputGradient, int rowsPerRecord)
    {
        if (rowsPerRecord < 1 || layerInput.shape[0] % rowsPerRecord != 0 || layerOutputGradient.shape[0] != layerInput.shape[0])
            throw new ArgumentException($"{layerInput.shape[0]} input rows and {layerOutputGradient.shape[0]} gradient rows do not split into records of {rowsPerRecord} rows.");
        Layer = layer;
        // Detached: the activation is part of D's graph, and nothing computed from it here is
        // differentiated again, so no autograd history needs recording or keeping alive.
        this.layerInput = layerInput.detach().DetachFromDisposeScope();
        this.layerOutputGradient = layerOutputGradient;
        OutputGradients = layer.OutputGradientFactors(layerOutputGradient);
        RowsPerRecord = rowsPerRecord;
    }

    public PerExampleLayer Layer { get; }

    /// <summary>A (rows, in, L).</summary>
    public Tensor Inputs => inputs ??= Layer.InputFactors(layerInput).DetachFromDisposeScope();

    /// <summary>Each row's bias gradient, B summed over positions (rows, out); the norms and the clipped sum both need it.</summary>
    private Tensor RowBiasGradients => rowBiasGradients ??= OutputGradients.sum(2).DetachFromDisposeScope();

    /// <summary>B (rows, out, L).</summary>
    public Tensor OutputGradients { get; }

    public int RowsPerRecord { get; }

    public long Records => OutputGradients.shape[0] / RowsPerRecord;

    public long InFeatures => Layer.Weight.numel() / Layer.Weight.shape[0];

    public long Positions => OutputGradients.shape[2];

    public long OutFeatures => OutputGradients.shape[1];

    /// <summary>Squared L2 norm of each record's gradient for this layer's weight and bias, shape (n).</summary>
    public Tensor SquaredNorms(PerExampleNormMethod method)
    {
        using var scope = NewDisposeScope();
        Tensor weightNorms;
        if (ChooseMethod(method) == PerExampleNormMethod.Ghost)
        {
            // ||sum_a B_a A_a^T||^2 = sum over row blocks a, b of sum((A_a^T A_b) * (B_a^T B_b)).
            weightNorms = zeros(Records, dtype: Inputs.dtype);
            for (var a = 0; a < RowsPerRecord; a++)
                for (var b = a; b < RowsPerRecord; b++)
                {
                    var inputGram = Block(Inputs, a).transpose(1, 2).bmm(Block(Inputs, b));
                    var outputGram = Block(OutputGradients, a).transpose(1, 2).bmm(Block(OutputGradients, b));
                    weightNorms = weightNorms + (a == b ? 1 : 2) * (inputGram * outputGram).sum([1, 2]);
                }
        }
        else
        {
            materialized?.Dispose();
            var perRow = Layer.DirectRowWeightGradients(layerInput, layerOutputGradient) ?? RowWeightGradients();
            materialized = SumOverRecordRows(perRow).DetachFromDisposeScope();
            weightNorms = materialized.square().sum([1, 2]);
        }

        if (Layer.Bias is not null)
            weightNorms = weightNorms + SumOverRecordRows(RowBiasGradients).square().sum(1);
        return weightNorms.MoveToOuterDisposeScope();
    }

    /// <summary>Sets the layer's parameter gradients to sum_i coefficients_i g_i.</summary>
    public void WriteWeightedSum(Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        var c = coefficients.to(OutputGradients.dtype);
        var perRow = c.repeat(RowsPerRecord);
        Tensor weightGradient;
        if (materialized is not null)
        {
            weightGradient = c.unsqueeze(0).mm(materialized.reshape(Records, -1));
        }
        else
        {
            // sum over rows and positions of c_row B_row A_row^T, as one matrix product.
            var weighted = (OutputGradients * perRow.view(-1, 1, 1)).permute(1, 0, 2).reshape(OutFeatures, -1);
            weightGradient = weighted.mm(Inputs.permute(0, 2, 1).reshape(-1, InFeatures));
        }

        SetGradient(Layer.Weight, weightGradient.reshape(Layer.Weight.shape));
        if (Layer.Bias is not null)
            SetGradient(Layer.Bias, perRow.unsqueeze(0).mm(RowBiasGradients).squeeze(0));
    }

    public void Dispose()
    {
        inputs?.Dispose();
        layerInput.Dispose();
        rowBiasGradients?.Dispose();
        OutputGradients.Dispose();
        materialized?.Dispose();
    }

    /// <summary>B_j A_j^T for every row j, (rows, out, in).</summary>
    private Tensor RowWeightGradients() =>
        // One position and a unit side (D's critic: 1024 -> 1): an outer product, which libtorch's
        // batched GEMM handles very slowly on the CPU (0.6 ms against 0.013 ms broadcast here).
        Positions == 1 && Math.Min(OutFeatures, InFeatures) == 1
            ? OutputGradients * Inputs.transpose(1, 2)
            : OutputGradients.bmm(Inputs.transpose(1, 2));

    private Tensor Block(Tensor rows, int block) => rows.narrow(0, block * Records, Records);

    /// <summary>(rows, ...) to (n, ...): adds up each record's rows.</summary>
    private Tensor SumOverRecordRows(Tensor rows)
    {
        if (RowsPerRecord == 1)
            return rows;
        var shape = new long[rows.dim() + 1];
        shape[0] = RowsPerRecord;
        shape[1] = Records;
        Array.Copy(rows.shape, 1, shape, 2, rows.dim() - 1);
        // dim: named, because a literal 0 would convert to the ScalarType overload and sum everything.
        return rows.view(shape).sum(dim: 0);
    }

    private PerExampleNormMethod ChooseMethod(PerExampleNormMethod method)
    {
        if (method != PerExampleNormMethod.Automatic)
            return method;
        // Multiply-adds per record: materialising is T out in, the Gram route T^2 (out + in), T = r L.
        var positions = Positions * RowsPerRecord;
        var materializedCost = positions * OutFeatures * InFeatures;
        var ghostCost = positions * positions * (OutFeatures + InFeatures);
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
