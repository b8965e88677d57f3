namespace FedGan.Privacy;

/// <summary>The argument checks every accountant shares, with the messages users see.</summary>
internal static class PrivacyArguments
{
    public static void RequireDelta(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw PrivacyArguments.OutOfRange(nameof(delta), delta, "Delta must be strictly between 0 and 1.");
        }
    }

    /// <summary>
    /// An out-of-range error whose message is one line naming the value, so command-line tools can
    /// show it as is (the framework's own form appends the value on a second line).
    /// </summary>
    public static ArgumentOutOfRangeException OutOfRange(string parameter, object value, string message) =>
        new(parameter, $"{message.TrimEnd('.')} (got {value}).");

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
