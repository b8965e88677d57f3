using FedGan.Learning.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Simulation;

/// <summary>
/// Sets every site's Adam moments to their sample-weighted average across sites, for D and for G,
/// after a round's weights are averaged. Carried moments were built along each site's own path
/// and no longer match the averaged weights; fresh ones make Adam's first steps move every weight
/// by the full learning rate. Averaged moments keep Adam's running scale while agreeing across sites.
/// (Under DP the moments are post-processing of noised gradients, so averaging them costs no privacy.)
/// Measured on the label-skewed sites of docs/results.md, it beat neither carrying the moments under
/// DP nor a fresh start without DP, so it stays a simulator option and the edge trainer does not do it.
/// </summary>
internal static class OptimizerMomentAveraging
{
    public static void Average(IReadOnlyList<(LocalGanTrainer Trainer, double Weight)> sites)
    {
        AverageStates(sites.Select(s => (s.Trainer.DiscriminatorOptimizer, s.Weight)).ToArray());
        AverageStates(sites.Select(s => (s.Trainer.GeneratorOptimizer, s.Weight)).ToArray());
    }

    private static void AverageStates(IReadOnlyList<(optim.Optimizer Optimizer, double Weight)> optimizers)
    {
        var states = optimizers.Select(o => AdamStates(o.Optimizer)).ToArray();
        var total = optimizers.Sum(o => o.Weight);
        using var noGrad = no_grad();
        for (var p = 0; p < states[0].Count; p++)
        {
            using var scope = NewDisposeScope();
            var first = zeros_like(states[0][p].exp_avg, dtype: ScalarType.Float64);
            var second = zeros_like(first);
            for (var k = 0; k < states.Length; k++)
            {
                var weight = optimizers[k].Weight / total;
                first.add_(states[k][p].exp_avg.to_type(ScalarType.Float64), alpha: weight);
                second.add_(states[k][p].exp_avg_sq.to_type(ScalarType.Float64), alpha: weight);
            }

            foreach (var state in states)
            {
                state[p].exp_avg.copy_(first);
                state[p].exp_avg_sq.copy_(second);
            }
        }
    }

    // TorchSharp's Adam creates every parameter's state, moments at zero, when it is constructed.
    private static IReadOnlyList<Adam.State> AdamStates(optim.Optimizer optimizer) =>
        LocalGanTrainer.Stateful(optimizer).state_dict().State.Cast<Adam.State>().ToArray();
}
