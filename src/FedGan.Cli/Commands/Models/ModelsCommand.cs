using System.CommandLine;
using System.Security.Cryptography;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Models;

namespace FedGan.Cli.Commands.Models;

/// <summary><c>fedgan models</c>: list a study's model versions with their lineage, download one.</summary>
public static class ModelsCommand
{
    private sealed record Downloaded(string StudyId, int Version, string Path, string Sha256, long SizeBytes);

    public static Command Create() =>
        new("models", "List model versions with their lineage and download one as safetensors.")
        {
            List(), Download(),
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
            var manifest = await platform.GetAsync<ModelVersionManifest>(
                parsed.GetValue(version) is { } v ? $"registry/studies/{studyId}/versions/{v}" : $"registry/studies/{studyId}/versions/latest",
                cancellationToken);
            var path = Path.GetFullPath(parsed.GetValue(output) ?? $"{studyId}-v{manifest.Version}.safetensors");
            var temporary = path + ".part";
            await using (var file = File.Create(temporary))
            {
                await platform.DownloadAsync($"registry/studies/{studyId}/versions/{manifest.Version}/weights", file, cancellationToken);
            }

            string sha256;
            await using (var written = File.OpenRead(temporary))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(written, cancellationToken));
            }

            if (sha256 != manifest.WeightsSha256)
            {
                File.Delete(temporary);
                throw new PlatformException($"version {manifest.Version} arrived with SHA-256 {sha256}, not the manifest's {manifest.WeightsSha256}; nothing was written.");
            }

            File.Move(temporary, path, overwrite: true);
            return JsonOutput.Write(new Downloaded(studyId, manifest.Version, path, sha256, new FileInfo(path).Length));
        });
    }
}
