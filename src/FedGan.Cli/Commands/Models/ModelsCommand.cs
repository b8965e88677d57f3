using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Models;

namespace FedGan.Cli.Commands.Models;

/// <summary><c>fedgan models</c>: list a study's model versions with their lineage, download one, draw synthetic images from one, score one.</summary>
public static class ModelsCommand
{
    private sealed record Downloaded(string StudyId, int Version, string Path, string Sha256, long SizeBytes);

    public static Command Create() =>
        new("models", "List model versions with their lineage, download one as safetensors, draw synthetic images from one or score one.")
        {
            List(), Download(), ModelsSampleCommand.Create(), ModelsEvaluateCommand.Create(),
        };

    private static Command List()
    {
        var study = StudiesCommand.StudyOption();
        var command = new Command("list", "Every published version: parent, round, contributing sites and weights, epsilon per site, and its recorded evaluations.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var studyId = StudiesCommand.StudyId(parsed.GetValue(study)!);
            var versions = await platform.GetAsync<List<ModelVersionManifest>>($"registry/studies/{studyId}/versions", cancellationToken);
            var evaluations = (await platform.GetAsync<List<ModelEvaluation>>($"registry/studies/{studyId}/evaluations", cancellationToken))
                .ToLookup(evaluation => evaluation.Version);
            // Each manifest as it is, with the version's evaluations beside its fields.
            var listed = new JsonArray();
            foreach (var manifest in versions)
            {
                var fields = JsonSerializer.SerializeToNode(manifest, JsonOutput.Options)!.AsObject();
                fields["evaluations"] = JsonSerializer.SerializeToNode(evaluations[manifest.Version].ToList(), JsonOutput.Options);
                listed.Add(fields);
            }

            return JsonOutput.Write(listed);
        });
    }

    private static Command Download()
    {
        var study = StudiesCommand.StudyOption();
        var version = new Option<int?>("--version") { Description = "The version (default: the latest)." };
        var output = new Option<string?>("--out") { Description = "Where to write the file (default: <study>-v<version>.safetensors)." };
        var command = new Command("download", "Download a version's weights as safetensors and check their SHA-256 against the manifest.")
        {
            study, version, output,
        };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var studyId = StudiesCommand.StudyId(parsed.GetValue(study)!);
            var manifest = await ModelWeights.ManifestAsync(platform, studyId, parsed.GetValue(version), cancellationToken);
            var path = Path.GetFullPath(parsed.GetValue(output) ?? $"{studyId}-v{manifest.Version}.safetensors");
            await ModelWeights.DownloadAsync(platform, manifest, path, cancellationToken);
            var sha256 = manifest.WeightsSha256;
            return JsonOutput.Write(new Downloaded(studyId, manifest.Version, path, sha256, new FileInfo(path).Length));
        });
    }
}
