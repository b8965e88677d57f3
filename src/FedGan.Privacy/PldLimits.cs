namespace FedGan.Privacy;

/// <summary>Sizes past which the PLD accountant coarsens its grid instead of allocating more.</summary>
internal static class PldLimits
{
    public const long MaxSingleStepPoints = 1 << 21;

    public const long MaxComposedPoints = 1 << 22;
}

/// <summary>Raised inside the PLD accountant when a grid would exceed <see cref="PldLimits"/>; it retries coarser.</summary>
internal sealed class GridTooFineException() : Exception("The privacy loss grid is too fine for the history.");
