using System.CommandLine;
using FedGan.Privacy;

namespace FedGan.Cli.Commands.Bench;

/// <summary>
/// <c>fedgan bench accountant</c>: how long epsilon takes for a long DP-SGD run with each
/// accountant, and how long the noise search takes, against the targets RDP &lt; 10 ms and
/// PLD &lt; 1 s for 10,000 steps.
/// </summary>
public static class AccountantBenchCommand
{
    private const double NoiseMultiplier = 1.0;
    private const double SamplingRate = 0.01;
    private const double Delta = 1e-5;
    private const double TargetEpsilon = 4.0;
    private const double RdpTargetMs = 10;
    private const double PldTargetMs = 1000;

    private sealed record EpsilonTiming(double Epsilon, double MedianMs, double TargetMs, bool MeetsTarget);

    private sealed record SearchTiming(double NoiseMultiplier, double AchievedEpsilon, double MedianMs);

    private sealed record MixedTiming(int Blocks, long Steps, double RdpEpsilon, double RdpMedianMs, double PldEpsilon, double PldMedianMs);

    private sealed record Report(
        long Steps, double NoiseMultiplier, double SamplingRate, double Delta, int Repetitions,
        EpsilonTiming Rdp, EpsilonTiming Pld,
        double NoiseSearchTargetEpsilon, SearchTiming NoiseSearchRdp, SearchTiming NoiseSearchPld,
        MixedTiming Heterogeneous);

    public static Command Create()
    {
        var steps = new Option<long>("--steps") { Description = "Composed DP-SGD steps.", DefaultValueFactory = _ => 10_000 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed runs per figure (after one warm-up).", DefaultValueFactory = _ => 5 };
        var command = new Command("accountant", "Time epsilon and the noise search with the RDP and PLD accountants.") { steps, repetitions };
        command.SetAction(parsed =>
        {
            var stepCount = parsed.GetValue(steps);
            var runs = parsed.GetValue(repetitions);
            if (stepCount < 1 || runs < 1)
            {
                throw new CliUsageException("--steps and --repetitions must be at least 1.");
            }

            return JsonOutput.Write(Run(stepCount, runs));
        });
        return command;
    }

    private static Report Run(long steps, int repetitions)
    {
        var rdp = new RdpAccountant();
        var pld = new PldAccountant();
        GaussianMechanismSteps[] history = [new(NoiseMultiplier, SamplingRate, steps)];

        var rdpTiming = TimeEpsilon(rdp, history, repetitions, RdpTargetMs);
        var pldTiming = TimeEpsilon(pld, history, repetitions, PldTargetMs);

        // A federated history: ten rounds whose sites trained with different noise and batch sizes.
        var mixed = Enumerable.Range(0, 10)
            .Select(i => new GaussianMechanismSteps(0.8 + 0.1 * i, 0.005 + 0.0015 * i, Math.Max(1, steps / 10)))
            .ToArray();
        var (mixedRdp, mixedRdpMs) = Timing.Median(repetitions, () => rdp.GetPrivacySpent(mixed, Delta).Epsilon);
        var (mixedPld, mixedPldMs) = Timing.Median(repetitions, () => pld.GetPrivacySpent(mixed, Delta).Epsilon);

        return new Report(steps, NoiseMultiplier, SamplingRate, Delta, repetitions, rdpTiming, pldTiming, TargetEpsilon,
            TimeSearch(rdp, steps, repetitions), TimeSearch(pld, steps, repetitions),
            new MixedTiming(mixed.Length, mixed.Sum(b => b.Steps), mixedRdp, mixedRdpMs, mixedPld, mixedPldMs));
    }

    private static EpsilonTiming TimeEpsilon(IPrivacyAccountant accountant, GaussianMechanismSteps[] history, int repetitions, double targetMs)
    {
        var (epsilon, ms) = Timing.Median(repetitions, () => accountant.GetPrivacySpent(history, Delta).Epsilon);
        return new EpsilonTiming(epsilon, ms, targetMs, ms < targetMs);
    }

    private static SearchTiming TimeSearch(IPrivacyAccountant accountant, long steps, int repetitions)
    {
        var (sigma, ms) = Timing.Median(repetitions,
            () => NoiseCalibration.FindNoiseMultiplier(accountant, TargetEpsilon, Delta, SamplingRate, steps));
        var achieved = accountant.GetPrivacySpent([new(sigma, SamplingRate, steps)], Delta).Epsilon;
        return new SearchTiming(sigma, achieved, ms);
    }
}
