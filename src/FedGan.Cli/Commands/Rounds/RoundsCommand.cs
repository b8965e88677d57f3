using System.CommandLine;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Studies;

namespace FedGan.Cli.Commands.Rounds;

/// <summary><c>fedgan rounds</c>: inspect a study's rounds and close an open one early.</summary>
public static class RoundsCommand
{
    public static Command Create() =>
        new("rounds", "Inspect rounds (rounds open by themselves as the previous one completes) and close one now.")
        {
            List(), Show(), Close(),
        };

    private static Command List()
    {
        var study = StudiesCommand.StudyOption();
        var command = new Command("list", "Every round of the study so far.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<List<RoundInfo>>(
                $"scheduler/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/rounds", cancellationToken)));
    }

    private static Command Show()
    {
        var study = StudiesCommand.StudyOption();
        var round = RoundOption();
        var command = new Command("show", "One round: admitted, uploading and contributing sites, deadline, published version.") { study, round };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<RoundInfo>(
                $"scheduler/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/rounds/{parsed.GetValue(round)}", cancellationToken)));
    }

    private static Command Close()
    {
        var study = StudiesCommand.StudyOption();
        var round = RoundOption();
        var command = new Command("close", "Close an open round now: it is aggregated from the updates already accepted.") { study, round };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.SendAsync<RoundInfo>(HttpMethod.Post,
                $"scheduler/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/rounds/{parsed.GetValue(round)}/close", null, cancellationToken)));
    }

    private static Option<int> RoundOption() => new("--round") { Description = "The round number (from 1).", Required = true };
}
