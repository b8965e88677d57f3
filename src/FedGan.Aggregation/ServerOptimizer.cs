using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FedGan.Contracts.Studies;

namespace FedGan.Aggregation;

/// <summary>
/// How the server turns the (noised) mean update into the next model, applied value by value
/// while the base weights stream past: <c>next = base + step(delta)</c>.
/// </summary>
public abstract class ServerOptimizer
{
    public const string FedAvgName = "fedavg";
    public const string FedAdamName = "fedadam";

    /// <summary>Replaces each delta (the mean update) at <paramref name="offset"/> with the new weight.</summary>
    public abstract void Apply(ReadOnlySpan<float> baseWeights, Span<double> deltaToWeights, int offset);

    /// <summary>Null when <paramref name="settings"/> describe an aggregation this server can run; else what is wrong.</summary>
    public static string? Validate(AggregationSettings? settings)
    {
        if (settings is null)
            return "aggregation settings are required.";
        if (settings.Method is not (FedAvgName or FedAdamName))
            return $"aggregation method must be '{FedAvgName}' or '{FedAdamName}', not '{settings.Method}'.";
        if (!(settings.ServerLearningRate > 0) || !double.IsFinite(settings.ServerLearningRate))
            return "server_learning_rate must be a positive number.";
        if (!(settings.ServerNoiseMultiplier >= 0) || !double.IsFinite(settings.ServerNoiseMultiplier))
            return "server_noise_multiplier must be a number >= 0.";
        if (settings.Method == FedAdamName)
        {
            if (settings.Beta1 is not (>= 0 and < 1) || settings.Beta2 is not (>= 0 and < 1))
                return "beta1 and beta2 must be in [0, 1).";
            if (!(settings.Epsilon > 0) || !double.IsFinite(settings.Epsilon))
                return "epsilon (FedAdam's tau) must be a positive number.";
        }
        return null;
    }

}

/// <summary>FedAvg with a server learning rate: next = base + lr * delta (McMahan et al. 2017; lr = 1 is plain FedAvg).</summary>
public sealed class FedAvgOptimizer(double serverLearningRate) : ServerOptimizer
{
    // Fully optimised at once (see FlatVector.Scaled).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Apply(ReadOnlySpan<float> baseWeights, Span<double> deltaToWeights, int offset)
    {
        var target = deltaToWeights.Slice(offset, baseWeights.Length);
        var bases = MemoryMarshal.Cast<float, Vector<float>>(baseWeights);
        var targets = MemoryMarshal.Cast<double, Vector<double>>(target[..(bases.Length * Vector<float>.Count)]);
        var lr = new Vector<double>(serverLearningRate);
        for (var k = 0; k < bases.Length; k++)
        {
            Vector.Widen(bases[k], out var low, out var high);
            targets[2 * k] = low + lr * targets[2 * k];
            targets[2 * k + 1] = high + lr * targets[2 * k + 1];
        }
        for (var i = bases.Length * Vector<float>.Count; i < target.Length; i++)
            target[i] = baseWeights[i] + serverLearningRate * target[i];
    }
}

/// <summary>
/// FedAdam, Algorithm 2 of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021):
/// m = b1 m + (1 - b1) delta; v = b2 v + (1 - b2) delta^2; next = base + lr m / (sqrt(v) + tau),
/// without bias correction, as in the paper, which starts from m = 0 and v &gt;= tau^2 (here v = tau^2,
/// see <see cref="FedAdamState.Initial"/>). The moments live in <see cref="State"/> (float32, as
/// they are stored) and are updated in place.
/// </summary>
public sealed class FedAdamOptimizer(double serverLearningRate, double beta1, double beta2, double tau, FedAdamState state) : ServerOptimizer
{
    public FedAdamState State { get; } = state;

    // Fully optimised at once (see FlatVector.Scaled).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Apply(ReadOnlySpan<float> baseWeights, Span<double> deltaToWeights, int offset)
    {
        var target = deltaToWeights.Slice(offset, baseWeights.Length);
        var m = State.FirstMoment.AsSpan(offset, baseWeights.Length);
        var v = State.SecondMoment.AsSpan(offset, baseWeights.Length);
        for (var i = 0; i < target.Length; i++)
        {
            var delta = target[i];
            var mNext = beta1 * m[i] + (1 - beta1) * delta;
            var vNext = beta2 * v[i] + (1 - beta2) * delta * delta;
            target[i] = baseWeights[i] + serverLearningRate * mNext / (Math.Sqrt(vNext) + tau);
            m[i] = (float)mNext;
            v[i] = (float)vNext;
        }
    }
}
