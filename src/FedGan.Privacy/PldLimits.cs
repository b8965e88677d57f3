namespace FedGan.Privacy;

/// <summary>Sizes past which the PLD accountant coarsens its grid instead of allocating more.</summary>
internal static class PldLimits
{
    public const long MaxSingleStepPoints = 1 << 21;

    public const long MaxComposedPoints = 1 << 22;
}

/// <summary>
/// Raised inside the PLD accountant when a grid would exceed <see cref="PldLimits"/>; it retries
/// with the interval multiplied by <see cref="CoarseningFactor"/> (a power of two).
/// </summary>
internal sealed class GridTooFineException(long points, long limit) : Exception("The privacy loss grid is too fine for the history.")
{
    public double CoarseningFactor { get; } = Math.Pow(2, Math.Ceiling(Math.Log2((double)points / limit)));
}
