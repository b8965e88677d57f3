namespace FedGan.Learning.Training;

/// <summary>How the learning rates fall once decay starts.</summary>
public enum LearningRateDecayShape
{
    /// <summary>Constant learning rates (no decay).</summary>
    None,

    /// <summary>A straight line from the full rate down towards the final factor.</summary>
    Linear,

    /// <summary>Half a cosine from the full rate down towards the final factor.</summary>
    Cosine,
}

/// <summary>
/// A per-round schedule for both Adam learning rates (D's and G's, each relative to its own base
/// rate). Under DP-SGD the noise in every step is fixed by the privacy budget, so with constant
/// rates the weights keep wandering in a noise ball around where training has got to; letting
/// the rates fall over the last rounds is meant to settle them (the linear decay of pix2pix and
/// CycleGAN). On the reference DP runs it did not: both schedules tried scored below constant
/// rates (docs/results.md), so the simulator keeps this as an option and the edge trainer does not use it.
/// Rounds before <see cref="FromRound"/> run at the full rate; from it on the factor falls so that
/// round <see cref="FromRound"/> still runs at the full rate and the last round runs one step of
/// the decay above <see cref="FinalFactor"/>, never at it (a final factor of 0 would waste a round).
/// </summary>
public sealed record LearningRateDecay(LearningRateDecayShape Shape = LearningRateDecayShape.None, int FromRound = 1, double FinalFactor = 0)
{
    public static LearningRateDecay Constant { get; } = new();

    public LearningRateDecay Validate()
    {
        if (!Enum.IsDefined(Shape))
            throw new ArgumentException($"Unknown learning rate decay {Shape}.");
        if (FromRound < 1)
            throw new ArgumentException($"Learning rate decay starts at round 1 or later, not {FromRound}.");
        if (!(FinalFactor is >= 0 and < 1))
            throw new ArgumentException($"The final learning rate factor must lie in [0, 1), not {FinalFactor}.");
        return this;
    }

    /// <summary>The factor on the base learning rates for round <paramref name="round"/> (1-based) of <paramref name="rounds"/>.</summary>
    public double Factor(int round, int rounds)
    {
        if (round < 1 || round > rounds)
            throw new ArgumentOutOfRangeException(nameof(round), $"Round {round} is not one of rounds 1 to {rounds}.");
        if (Shape == LearningRateDecayShape.None || round < FromRound)
            return 1;
        var progress = (double)(round - FromRound) / (rounds - FromRound + 1);
        var fall = Shape == LearningRateDecayShape.Linear ? progress : (1 - Math.Cos(Math.PI * progress)) / 2;
        return 1 - (1 - FinalFactor) * fall;
    }
}
