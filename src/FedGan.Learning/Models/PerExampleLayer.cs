using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Models;

/// <summary>
/// A layer with weight W (out x in, after flattening) whose gradient for one example is
/// B A^T, where A holds the layer's inputs and B the gradients of its outputs at each position
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
    /// The factors of each row's weight gradient, feature-major: A (rows, in, positions) of
    /// inputs and B (rows, out, positions) of output gradients; row j's gradient is B_j A_j^T.
    /// </summary>
    public abstract Tensor InputFactors(Tensor input);

    /// <inheritdoc cref="InputFactors"/>
    public abstract Tensor OutputGradientFactors(Tensor outputGradient);

    /// <summary>
    /// Each row's weight gradient (rows, out, in) straight from the layer's input and output
    /// gradient, for layers that have a faster route than building A; null to use B_j A_j^T.
    /// </summary>
    public virtual Tensor? DirectRowWeightGradients(Tensor input, Tensor outputGradient) => null;
}
