using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// FedProx's proximal term (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys
/// 2020): mu/2 ||w - w0||^2 added to a site's local objective, with w0 the global weights the round
/// started from, so that sites with skewed data drift less far from where the federation is. Its
/// gradient mu (w - w0) is added to the parameters' gradients just before each optimiser step.
/// Under DP-SGD it is added after the noise: it depends on the weights only, never on a record,
/// so it is post-processing and costs no privacy.
/// </summary>
public sealed class ProximalTerm
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] anchor;

    public ProximalTerm(double weight, IEnumerable<Parameter> parameters)
    {
        if (!(weight > 0) || !double.IsFinite(weight))
            throw new ArgumentException($"The proximal weight must be a positive number, not {weight}.");
        Weight = weight;
        this.parameters = parameters.ToArray();
        // Owned like the optimisers' state: by the dispose scope the trainer was made in, if any.
        anchor = this.parameters.Select(p => p.detach().clone()).ToArray();
    }

    public double Weight { get; }

    /// <summary>Takes the parameters' current values as w0 (call when a round starts from the global weights).</summary>
    public void Anchor()
    {
        using var _ = no_grad();
        for (var i = 0; i < parameters.Length; i++)
            anchor[i].copy_(parameters[i]);
    }

    /// <summary>grad += mu (w - w0) for every parameter (a missing gradient counts as zero).</summary>
    public void AddToGradients()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (var i = 0; i < parameters.Length; i++)
        {
            var pull = (parameters[i] - anchor[i]).mul_(Weight);
            if (parameters[i].grad is { } gradient)
                gradient.add_(pull);
            else
                parameters[i].grad = pull.DetachFromDisposeScope();
        }
    }
}
