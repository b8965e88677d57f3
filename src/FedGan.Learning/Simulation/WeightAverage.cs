using FedGan.Tensors;

namespace FedGan.Learning.Simulation;

/// <summary>
/// An exponential moving average of a model's weights over rounds: avg = d avg + (1 - d) w,
/// starting from the first weights given. Averaging a GAN's iterates smooths the oscillation of
/// adversarial training (Yazici et al., "The Unusual Effectiveness of Averaging in GAN Training",
/// ICLR 2019). It reads only released weights, so under DP it is post-processing.
/// </summary>
public sealed class WeightAverage
{
    private NamedTensor[]? average;

    public WeightAverage(double decay)
    {
        if (!(decay is > 0 and < 1))
            throw new ArgumentException($"The averaging decay must lie strictly between 0 and 1, not {decay}.");
        Decay = decay;
    }

    public double Decay { get; }

    public IReadOnlyList<NamedTensor> Current => average ?? throw new InvalidOperationException("No weights have been averaged yet.");

    public void Add(IReadOnlyList<NamedTensor> weights)
    {
        if (average is null)
        {
            average = weights.Select(t => new NamedTensor(t.Name, t.Shape, (float[])t.Values.Clone())).ToArray();
            return;
        }

        if (weights.Count != average.Length)
            throw new ArgumentException("The weights to average do not match the earlier ones.");
        for (var i = 0; i < average.Length; i++)
        {
            if (weights[i].Name != average[i].Name || weights[i].Values.Length != average[i].Values.Length)
                throw new ArgumentException($"Tensor '{weights[i].Name}' does not match the averaged '{average[i].Name}'.");
            FlatVector.Scale(average[i].Values, (float)Decay);
            FlatVector.AddScaled(average[i].Values, weights[i].Values, (float)(1 - Decay));
        }
    }
}
