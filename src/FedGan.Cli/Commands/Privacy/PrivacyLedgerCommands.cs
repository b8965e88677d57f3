using System.CommandLine;
using System.Text.Json.Nodes;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;

namespace FedGan.Cli.Commands.Privacy;

/// <summary><c>fedgan privacy ledger|audit</c>: the platform's privacy ledger of a study, for coordinators and auditors.</summary>
public static class PrivacyLedgerCommands
{
    private sealed record StudyLedger(JsonNode Spending, JsonNode Entries);

    public static Command Ledger()
    {
        var study = StudiesCommand.StudyOption();
        var command = new Command("ledger", "Epsilon spent and remaining per site, and every mechanism application of the study.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var id = StudiesCommand.StudyId(parsed.GetValue(study)!);
            return JsonOutput.Write(new StudyLedger(
                await platform.GetAsync<JsonNode>($"privacy/studies/{id}/spending", cancellationToken),
                await platform.GetAsync<JsonNode>($"privacy/studies/{id}/ledger", cancellationToken)));
        });
    }

    public static Command Audit()
    {
        var study = StudiesCommand.StudyOption();
        var verify = new Option<bool>("--verify") { Description = "Check the hash chain instead of exporting it." };
        var command = new Command("audit", "Export the study's hash-chained audit log, or verify it.") { study, verify };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var id = StudiesCommand.StudyId(parsed.GetValue(study)!);
            var path = parsed.GetValue(verify) ? $"privacy/studies/{id}/audit/verification" : $"privacy/studies/{id}/audit";
            return JsonOutput.Write(await platform.GetAsync<JsonNode>(path, cancellationToken));
        });
    }
}
