using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// Poisson subsampling, as the DP-SGD privacy analysis assumes: each of the N records joins a
/// batch independently with probability q, so the batch size varies (mean qN) and may be 0.
/// </summary>
public sealed class PoissonSampler
{
    private readonly Generator random;

    public PoissonSampler(int records, double samplingRate, Generator random)
    {
        if (records < 1)
            throw new ArgumentException($"Cannot sample from {records} records.");
        if (!(samplingRate > 0 && samplingRate <= 1))
            throw new ArgumentException($"The sampling rate must be in (0, 1], not {samplingRate}.");
        Records = records;
        SamplingRate = samplingRate;
        this.random = random;
    }

    public int Records { get; }

    public double SamplingRate { get; }

    public double ExpectedBatchSize => SamplingRate * Records;

    /// <summary>Indices (int64) of the records drawn for one step.</summary>
    public Tensor Sample()
    {
        using var draws = rand(Records, generator: random);
        using var included = draws.lt(SamplingRate);
        return included.nonzero().flatten();
    }
}
