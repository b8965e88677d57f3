namespace FedGan.Privacy;

/// <summary>The argument checks every accountant shares, with the messages users see.</summary>
internal static class PrivacyArguments
{
    public static void RequireDelta(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must be strictly between 0 and 1.");
        }
    }

    public static void RequireHistory(IReadOnlyList<GaussianMechanismSteps> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i] is null)
            {
                throw new ArgumentException($"History entry {i} is null.", nameof(history));
            }
        }
    }
}
