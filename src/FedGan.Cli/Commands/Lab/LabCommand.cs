using System.CommandLine;

namespace FedGan.Cli.Commands.Lab;

/// <summary><c>fedgan lab</c>: in-process experiments on simulated hospitals.</summary>
public static class LabCommand
{
    public static Command Create() => new("lab", "Simulated federations on one machine: train, compare with the baselines, report.")
    {
        LabRunCommand.Create(),
        LabScoreCommand.Create(),
    };
}
