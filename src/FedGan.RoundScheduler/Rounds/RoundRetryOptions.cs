using System.ComponentModel.DataAnnotations;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>
/// How long a stuck round waits before the scheduler tries its step again: <see cref="FirstDelay"/>
/// after the first failure, doubling per attempt up to <see cref="MaxDelay"/>.
/// </summary>
public sealed class RoundRetryOptions
{
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DelayAfter(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var delay = FirstDelay.TotalMilliseconds * Math.Pow(2, doublings);
        return TimeSpan.FromMilliseconds(Math.Min(delay, Math.Max(FirstDelay.TotalMilliseconds, MaxDelay.TotalMilliseconds)));
    }
}
