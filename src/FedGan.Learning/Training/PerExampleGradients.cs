using FedGan.Learning.Models;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// Per-record gradients of a loss that is a sum of per-record terms, in one backward pass:
/// autograd gives the gradient of each layer's output (B); with each layer's input (A) that
/// determines every record's gradient without a backward pass per record.
/// </summary>
public sealed class PerExampleGradients : IDisposable
{
    private readonly List<LayerGradientFactors> layers;

    private PerExampleGradients(List<LayerGradientFactors> layers, long records)
    {
        this.layers = layers;
        Records = records;
    }

    public long Records { get; }

    public IReadOnlyList<LayerGradientFactors> Layers => layers;

    /// <summary>
    /// Differentiates <paramref name="summedLoss"/> (a sum over rows, each row's term depending on
    /// that row only) with respect to every recorded layer output. Rows are laid out as
    /// <paramref name="rowsPerRecord"/> blocks of n; row j of each block belongs to record j, and
    /// a record's gradient is the sum over its rows.
    /// </summary>
    public static PerExampleGradients Compute(LayerActivations activations, Tensor summedLoss, int rowsPerRecord)
    {
        if (rowsPerRecord < 1)
            throw new ArgumentException($"Rows per record must be positive, not {rowsPerRecord}.");
        var entries = activations.Entries;
        var outputGradients = autograd.grad([summedLoss], entries.Select(e => e.Output).ToList());
        var layers = new List<LayerGradientFactors>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (layer, input, _) = entries[i];
            layers.Add(new LayerGradientFactors(layer, input, outputGradients[i], rowsPerRecord));
        }

        var records = layers.Count == 0 ? 0 : layers[0].Records;
        return new PerExampleGradients(layers, records);
    }

    /// <summary>L2 norm of each record's gradient over all recorded parameters, shape (n).</summary>
    public Tensor Norms(PerExampleNormMethod method = PerExampleNormMethod.Automatic)
    {
        using var scope = NewDisposeScope();
        var total = zeros(Records, dtype: float32);
        foreach (var layer in layers)
            total = total + layer.SquaredNorms(method).to(float32);
        return total.sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>Sets every recorded parameter's gradient to sum_i coefficients_i g_i.</summary>
    public void WriteWeightedSum(Tensor coefficients)
    {
        foreach (var layer in layers)
            layer.WriteWeightedSum(coefficients);
    }

    public void Dispose()
    {
        foreach (var layer in layers)
            layer.Dispose();
    }
}
