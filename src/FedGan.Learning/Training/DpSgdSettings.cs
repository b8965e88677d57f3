namespace FedGan.Learning.Training;

/// <summary>
/// DP-SGD for one optimiser step: each record's gradient is clipped to L2 norm
/// <paramref name="ClipNorm"/> (C), Gaussian noise N(0, (sigma C)^2) is added to the sum, and
/// the result is divided by the expected batch size qN (not the drawn one, whose size would
/// otherwise leak through the scale).
/// </summary>
public sealed record DpSgdSettings(double NoiseMultiplier, double ClipNorm)
{
    public DpSgdSettings Validate()
    {
        if (!(NoiseMultiplier >= 0) || !double.IsFinite(NoiseMultiplier))
            throw new ArgumentException($"The noise multiplier must be a finite number >= 0, not {NoiseMultiplier}.");
        if (!(ClipNorm > 0) || !double.IsFinite(ClipNorm))
            throw new ArgumentException($"The clipping norm must be a finite number > 0, not {ClipNorm}.");
        return this;
    }
}
