using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// A layer with weight W (out x in, after flattening) whose gradient for one example is
/// B^T A, where A holds the layer's inputs and B the gradients of its outputs at each position
/// the example touches. Exposing A and B lets DP-SGD compute per-example gradient norms and
/// clipped sums in one batched pass instead of one backward pass per example.
/// </summary>
public abstract class PerExampleLayer : nn.Module<Tensor, Tensor>
{
    protected PerExampleLayer(string name, long[] weightShape, long outFeatures, long fanIn, bool bias) : base(name)
    {
        // PyTorch's default initialisation for Linear and Conv2d (Kaiming uniform, a = sqrt 5).
        Weight = new Parameter(empty(weightShape));
        nn.init.kaiming_uniform_(Weight, Math.Sqrt(5));
        register_parameter("weight", Weight);
        if (bias)
        {
            var bound = 1.0 / Math.Sqrt(fanIn);
            Bias = new Parameter(empty(outFeatures));
            nn.init.uniform_(Bias, -bound, bound);
            register_parameter("bias", Bias);
        }
    }

    public Parameter Weight { get; }

    public Parameter? Bias { get; }

    /// <summary>
    /// Regroups a batch laid out as <paramref name="rowsPerRecord"/> consecutive blocks of n rows
    /// (row j of every block belongs to record j) into per-record sequences, feature-major:
    /// A (n, in, T) of inputs and B (n, out, T) of output gradients, T = positions x rows per record.
    /// </summary>
    public abstract (Tensor Inputs, Tensor OutputGradients) RecordSequences(Tensor input, Tensor outputGradient, int rowsPerRecord);

    /// <summary>(rows, features, L) to (n, features, rowsPerRecord x L): record j's rows side by side.</summary>
    protected static Tensor JoinRecordRows(Tensor rows, int rowsPerRecord)
    {
        if (rowsPerRecord == 1)
            return rows;
        var n = rows.shape[0] / rowsPerRecord;
        // Concatenating along the last axis copies whole contiguous blocks, unlike a transposing reshape.
        return cat(Enumerable.Range(0, rowsPerRecord).Select(r => rows.narrow(0, r * n, n)).ToArray(), 2);
    }
}
