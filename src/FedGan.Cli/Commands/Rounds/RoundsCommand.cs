using System.CommandLine;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Studies;

namespace FedGan.Cli.Commands.Rounds;

/// <summary><c>fedgan rounds</c>: inspect a study's rounds (with why one is stuck), close an open one early, resolve a stuck one.</summary>
public static class RoundsCommand
{
    public static Command Create() =>
        new("rounds", "Inspect rounds (rounds open by themselves as the previous one completes), close one now, resolve a stuck one.")
        {
            List(), Show(), Close(), Resolve(),
        };

    private static Command List()
    {
        var study = StudiesCommand.StudyOption();
        var command = new Command("list", "Every round of the study so far; a round that is not progressing shows why under 'stuck'.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<List<RoundInfo>>(
                $"scheduler/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/rounds", cancellationToken)));
    }

    private static Command Show()
    {
        var study = StudiesCommand.StudyOption();
        var round = RoundOption();
        var command = new Command("show", "One round: admitted, uploading and contributing sites, deadline, published version, and why it is stuck if it is.") { study, round };
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

    private static Command Resolve()
    {
        var study = StudiesCommand.StudyOption();
        var round = RoundOption();
        var action = new Option<string>("--action")
        {
            Description = "retry: try the stuck step again now; fail: fail the round and release every reservation it holds.",
            Required = true,
        };
        action.AcceptOnlyFromAmong([.. RoundResolutionActions.All]);
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the round's failure reason with --action fail)." };
        var command = new Command("resolve", "Resolve a stuck round (see 'stuck' in rounds show): retry it now or fail it.") { study, round, action, reason };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.SendAsync<RoundInfo>(HttpMethod.Post,
                $"scheduler/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/rounds/{parsed.GetValue(round)}/resolution",
                new RoundResolution(parsed.GetValue(action), parsed.GetValue(reason)), cancellationToken)));
    }

    private static Option<int> RoundOption() => new("--round") { Description = "The round number (from 1).", Required = true };
}
