using FedGan.Learning.Training;
using FedGan.Tensors;

namespace FedGan.Learning.Simulation;

/// <summary>
/// How the simulated server moves the global model by a round's average update: global + lr v,
/// with v the average itself (FedAvg, lr 1 by default), or with momentum beta the velocity
/// v = beta v + average carried across rounds (FedAvgM; Hsu, Qi and Brown, "Measuring the Effects
/// of Non-Identical Data Distribution for Federated Visual Classification", 2019). Both act on the
/// released average only, so they cost no privacy.
/// </summary>
public sealed class ServerStep
{
    private readonly double learningRate;
    private readonly double momentum;
    private float[][]? velocity;

    public ServerStep(double learningRate = 1, double momentum = 0)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentException($"The server learning rate must be a positive number, not {learningRate}.");
        if (!(momentum is >= 0 and < 1))
            throw new ArgumentException($"The server momentum must lie in [0, 1), not {momentum}.");
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    /// <summary>The next global model; the update's tensors must be the global model's, in the same order.</summary>
    public IReadOnlyList<NamedTensor> Apply(IReadOnlyList<NamedTensor> global, ModelUpdate average)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(average);
        var byName = average.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (byName.Count != global.Count || global.Any(g => !byName.TryGetValue(g.Name, out var u) || u.Values.Length != g.Values.Length))
            throw new ArgumentException("The average update does not have the global model's tensors.");
        if (momentum > 0)
            velocity ??= global.Select(g => new float[g.Values.Length]).ToArray();
        var next = new NamedTensor[global.Count];
        for (var t = 0; t < global.Count; t++)
        {
            // Without momentum the velocity is the average itself: no state to keep.
            var v = byName[global[t].Name].Values;
            if (velocity is not null)
            {
                FlatVector.Scale(velocity[t], (float)momentum);
                FlatVector.AddScaled(velocity[t], v, 1f);
                v = velocity[t];
            }

            var values = (float[])global[t].Values.Clone();
            FlatVector.AddScaled(values, v, (float)learningRate);
            next[t] = new NamedTensor(global[t].Name, global[t].Shape, values);
        }

        return next;
    }
}
