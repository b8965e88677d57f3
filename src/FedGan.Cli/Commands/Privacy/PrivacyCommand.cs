using System.CommandLine;

namespace FedGan.Cli.Commands.Privacy;

/// <summary><c>fedgan privacy</c>: differential privacy accounting for DP-SGD.</summary>
public static class PrivacyCommand
{
    public static Command Create() =>
        new("privacy", "Differential privacy accounting for DP-SGD, and the platform's privacy ledger.")
        {
            PrivacyEpsilonCommand.Create(),
            PrivacyNoiseCommand.Create(),
            PrivacyLedgerCommands.Ledger(),
            PrivacyLedgerCommands.Audit(),
        };
}
