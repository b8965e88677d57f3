using System.CommandLine;
using FedGan.Cli.Platform;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;

namespace FedGan.Cli.Commands.Studies;

/// <summary><c>fedgan studies</c>: create a study (with version 0 of its model), list and show studies.</summary>
public static class StudiesCommand
{
    private sealed record Created(StudySummary Study, ModelVersionManifest InitialVersion);

    public static Command Create() =>
        new("studies", "Create and inspect federated studies (creating needs a coordinator credential).")
        {
            CreateStudy(), List(), Show(),
        };

    private static Command CreateStudy()
    {
        var options = new StudyOptions();
        var command = new Command("create",
            "Create a study: draws version 0 of the model from the seed, uploads and publishes it, sets the privacy budget and opens round 1. Safe to repeat.");
        options.AddTo(command);
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var definition = options.Definition(parsed);
            var (weights, model) = InitialModelUpload.Create(definition.Architecture, options.Seed(parsed));
            var study = definition.StudyId;
            using var bytes = new MemoryStream(weights);
            var uploaded = await platform.UploadAsync<WeightsUploadResult>(HttpMethod.Post, $"registry/studies/{study}/weights", bytes, cancellationToken);
            var initial = await platform.SendAsync<ModelVersionManifest>(HttpMethod.Put, $"registry/studies/{study}/versions/0",
                new PublishVersionRequest(uploaded.Sha256, null, null, model, null, null, null, null), cancellationToken);
            var created = await platform.SendAsync<StudySummary>(HttpMethod.Post, "scheduler/studies", definition, cancellationToken);
            return JsonOutput.Write(new Created(created, initial));
        });
    }

    private static Command List()
    {
        var command = new Command("list", "Every study with its status, current round and latest version.");
        return PlatformCommand.WithPlatform(command, async (_, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<List<StudySummary>>("scheduler/studies", cancellationToken)));
    }

    private static Command Show()
    {
        var study = StudyOption();
        var command = new Command("show", "A study's definition and where it stands.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<StudySummary>($"scheduler/studies/{StudyId(parsed.GetValue(study)!)}", cancellationToken)));
    }

    public static Option<string> StudyOption() => new("--study") { Description = "The study id.", Required = true };

    public static string StudyId(string value) =>
        ResourceIds.IsValid(value) ? value : throw new CliUsageException($"'{value}' is not a valid study id: {ResourceIds.Description}.");
}
