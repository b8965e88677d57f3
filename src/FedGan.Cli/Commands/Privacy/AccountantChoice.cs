using System.CommandLine;
using FedGan.Privacy;

namespace FedGan.Cli.Commands.Privacy;

/// <summary>The <c>--accountant rdp|pld</c> option shared by the privacy commands.</summary>
internal static class AccountantChoice
{
    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--accountant")
        {
            Description = "rdp (Renyi DP, fast) or pld (privacy loss distribution, tighter).",
            DefaultValueFactory = _ => Accountants.Rdp,
        };
        option.AcceptOnlyFromAmong([.. Accountants.Names]);
        return option;
    }

    public static IPrivacyAccountant Create(string name) =>
        Accountants.IsKnown(name) ? Accountants.ByName(name) : throw new CliUsageException($"Unknown accountant '{name}': use rdp or pld.");

    /// <summary>
    /// Runs library code and turns its argument errors into the CLI's one-line usage message,
    /// without the framework's "(Parameter 'x')" suffix, which names a C# parameter, not an option.
    /// </summary>
    public static T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (ArgumentException ex)
        {
            var message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "");
            throw new CliUsageException(message);
        }
    }
}
