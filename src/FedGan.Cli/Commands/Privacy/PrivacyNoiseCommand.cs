using System.CommandLine;
using FedGan.Privacy;

namespace FedGan.Cli.Commands.Privacy;

/// <summary><c>fedgan privacy noise</c>: the smallest noise multiplier meeting an (epsilon, delta) target.</summary>
public static class PrivacyNoiseCommand
{
    private sealed record Result(double NoiseMultiplier, double Epsilon, string Accountant);

    public static Command Create()
    {
        var epsilon = PrivacyOptions.Epsilon();
        var delta = PrivacyOptions.Delta();
        var rate = PrivacyOptions.SamplingRate();
        var steps = PrivacyOptions.Steps();
        var accountant = AccountantChoice.CreateOption();
        var command = new Command("noise", "Smallest noise multiplier whose epsilon does not exceed the target; prints the epsilon it achieves.")
        {
            epsilon, delta, rate, steps, accountant,
        };
        command.SetAction(parsed =>
        {
            var name = parsed.GetValue(accountant)!;
            var result = AccountantChoice.Guard(() =>
            {
                var chosen = AccountantChoice.Create(name);
                var sigma = NoiseCalibration.FindNoiseMultiplier(chosen, parsed.GetValue(epsilon), parsed.GetValue(delta),
                    parsed.GetValue(rate), parsed.GetValue(steps));
                var achieved = chosen.GetPrivacySpent(
                    [new GaussianMechanismSteps(sigma, parsed.GetValue(rate), parsed.GetValue(steps))], parsed.GetValue(delta));
                return new Result(sigma, achieved.Epsilon, name);
            });
            return JsonOutput.Write(result);
        });
        return command;
    }
}
