using FedGan.Tensors;

namespace FedGan.Learning.Training;

/// <summary>
/// What a site sends back: local weights minus the global weights it started from, tensor by
/// tensor under the model's parameter names. Clipping and noise act on the L2 norm of the whole
/// update (all tensors together), as DP-FedAvg's per-site sensitivity bound requires.
/// </summary>
public sealed class ModelUpdate
{
    private ModelUpdate(IReadOnlyList<NamedTensor> tensors) => Tensors = tensors;

    public IReadOnlyList<NamedTensor> Tensors { get; }

    /// <summary>local - global; both must hold the same names with the same shapes.</summary>
    public static ModelUpdate Between(IReadOnlyList<NamedTensor> local, IReadOnlyList<NamedTensor> global)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(global);
        var globalByName = global.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (local.Count != global.Count || local.Any(t => !globalByName.ContainsKey(t.Name)))
            throw new ArgumentException("The local and global models do not have the same tensor names.");
        var tensors = new NamedTensor[local.Count];
        for (var i = 0; i < local.Count; i++)
        {
            var l = local[i];
            var g = globalByName[l.Name];
            if (!l.Shape.SequenceEqual(g.Shape))
                throw new ArgumentException($"Tensor '{l.Name}' is [{string.Join(", ", l.Shape)}] locally but [{string.Join(", ", g.Shape)}] globally.");
            var difference = new float[l.Values.Length];
            FlatVector.Subtract(l.Values, g.Values, difference);
            tensors[i] = new NamedTensor(l.Name, l.Shape, difference);
        }

        return new ModelUpdate(tensors);
    }

    /// <summary>An update read back from its tensors (e.g. a parsed upload).</summary>
    public static ModelUpdate From(IReadOnlyList<NamedTensor> tensors) => new(tensors ?? throw new ArgumentNullException(nameof(tensors)));

    public double L2Norm() => Math.Sqrt(Tensors.Sum(t => FlatVector.SumOfSquares(t.Values)));

    /// <summary>Scales the whole update by min(1, bound / norm).</summary>
    public ClipResult ClipToNorm(double bound)
    {
        if (!(bound > 0) || !double.IsFinite(bound))
            throw new ArgumentException($"The update clipping bound must be a positive finite number, not {bound}.");
        var norm = L2Norm();
        if (!double.IsFinite(norm))
            throw new ArgumentException("The update has non-finite values and cannot be clipped.");
        if (norm <= bound)
            return new ClipResult(norm, 1.0);
        var factor = bound / norm;
        foreach (var tensor in Tensors)
            FlatVector.Scale(tensor.Values, (float)factor);
        return new ClipResult(norm, factor);
    }

    /// <summary>Adds independent N(0, std^2) noise to every element.</summary>
    public void AddNoise(double std, GaussianNoise noise)
    {
        foreach (var tensor in Tensors)
            FlatVector.AddGaussianNoise(tensor.Values, std, noise);
    }

    public byte[] ToSafetensors(IReadOnlyDictionary<string, string>? metadata = null, TensorDType dtype = TensorDType.F32) =>
        Safetensors.Serialize(Tensors, metadata, dtype);
}
