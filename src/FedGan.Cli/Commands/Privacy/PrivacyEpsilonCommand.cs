using System.CommandLine;
using System.Text.Json.Serialization;
using FedGan.Privacy;

namespace FedGan.Cli.Commands.Privacy;

/// <summary><c>fedgan privacy epsilon</c>: the epsilon spent by a block of DP-SGD steps.</summary>
public static class PrivacyEpsilonCommand
{
    private sealed record Result(
        [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Epsilon,
        string Accountant,
        double? Order);

    public static Command Create()
    {
        var noise = PrivacyOptions.NoiseMultiplier();
        var rate = PrivacyOptions.SamplingRate();
        var steps = PrivacyOptions.Steps();
        var delta = PrivacyOptions.Delta();
        var accountant = AccountantChoice.CreateOption();
        var command = new Command("epsilon", "Epsilon at a delta for Poisson-subsampled Gaussian steps (prints \"Infinity\" when no finite epsilon exists).")
        {
            noise, rate, steps, delta, accountant,
        };
        command.SetAction(parsed =>
        {
            var spent = AccountantChoice.Guard(() =>
            {
                var history = new[] { new GaussianMechanismSteps(parsed.GetValue(noise), parsed.GetValue(rate), parsed.GetValue(steps)) };
                return AccountantChoice.Create(parsed.GetValue(accountant)!).GetPrivacySpent(history, parsed.GetValue(delta));
            });
            return JsonOutput.Write(new Result(spent.Epsilon, parsed.GetValue(accountant)!, spent.Order));
        });
        return command;
    }
}
