using System.Diagnostics;

namespace FedGan.Cli.Commands.Bench;

/// <summary>Median wall-clock time of repeated runs after one warm-up run (JIT, caches).</summary>
internal static class Timing
{
    public static (T Result, double MedianMilliseconds) Median<T>(int repetitions, Func<T> work)
    {
        var result = work();
        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            result = work();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        var median = repetitions % 2 == 1
            ? times[repetitions / 2]
            : 0.5 * (times[repetitions / 2 - 1] + times[repetitions / 2]);
        return (result, Math.Round(median, 3));
    }
}
