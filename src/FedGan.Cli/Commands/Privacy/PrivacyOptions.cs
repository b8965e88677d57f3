using System.CommandLine;

namespace FedGan.Cli.Commands.Privacy;

/// <summary>Required numeric options of the privacy commands; their ranges are checked by FedGan.Privacy.</summary>
internal static class PrivacyOptions
{
    public static Option<double> NoiseMultiplier() =>
        new("--noise-multiplier") { Description = "Noise standard deviation divided by the clipping norm.", Required = true };

    public static Option<double> SamplingRate() =>
        new("--sampling-rate") { Description = "Probability that a record is in a step's batch (Poisson sampling).", Required = true };

    public static Option<long> Steps() =>
        new("--steps") { Description = "Number of DP-SGD steps.", Required = true };

    public static Option<double> Delta() =>
        new("--delta") { Description = "Target delta, strictly between 0 and 1.", Required = true };

    public static Option<double> Epsilon() =>
        new("--epsilon") { Description = "Target epsilon (> 0).", Required = true };
}
