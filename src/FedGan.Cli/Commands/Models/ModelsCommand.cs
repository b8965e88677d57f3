using System.CommandLine;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Models;

namespace FedGan.Cli.Commands.Models;

/// <summary><c>fedgan models</c>: list a study's model versions with their lineage, download one, draw synthetic images from one.</summary>
public static class ModelsCommand
{
    private sealed record Downloaded(string StudyId, int Version, string Path, string Sha256, long SizeBytes);

    public static Command Create() =>
        new("models", "List model versions with their lineage, download one as safetensors, or draw synthetic images from one.")
        {
            List(), Download(), ModelsSampleCommand.Create(),
        };

    private static Command List()
    {
        var study = StudiesCommand.StudyOption();
        var command = new Command("list", "Every published version: parent, round, contributing sites and weights, epsilon per site.") { study };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
            JsonOutput.Write(await platform.GetAsync<List<ModelVersionManifest>>(
                $"registry/studies/{StudiesCommand.StudyId(parsed.GetValue(study)!)}/versions", cancellationToken)));
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
