using System.Security.Cryptography;
using FedGan.Cli.Platform;
using FedGan.Contracts.Models;
using FedGan.Learning.Models;
using FedGan.Tensors;

namespace FedGan.Cli.Commands.Models;

/// <summary>A registry version's manifest and weights, the weights checked against the manifest's hash.</summary>
public static class ModelWeights
{
    public static Task<ModelVersionManifest> ManifestAsync(PlatformConnection platform, string studyId, int? version, CancellationToken cancellationToken) =>
        platform.GetAsync<ModelVersionManifest>(
            version is { } v ? $"registry/studies/{studyId}/versions/{v}" : $"registry/studies/{studyId}/versions/latest", cancellationToken);

    /// <summary>Downloads the weights to <paramref name="path"/>; nothing is left there unless the SHA-256 matches.</summary>
    public static async Task DownloadAsync(PlatformConnection platform, ModelVersionManifest manifest, string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".part";
        await using (var file = File.Create(temporary))
        {
            await platform.DownloadAsync($"registry/studies/{manifest.StudyId}/versions/{manifest.Version}/weights", file, cancellationToken);
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
    }

    /// <summary>The version's GAN, built from its declared architecture and its hash-checked weights, ready to draw.</summary>
    public static async Task<ConditionalGan> LoadGanAsync(PlatformConnection platform, ModelVersionManifest manifest, CancellationToken cancellationToken)
    {
        var weights = Path.Combine(Path.GetTempPath(), $"fedgan-{manifest.StudyId}-v{manifest.Version}-{Guid.NewGuid():N}.safetensors");
        try
        {
            await DownloadAsync(platform, manifest, weights, cancellationToken);
            var gan = new ConditionalGan(manifest.Model.Architecture.ToGan());
            ModelTensors.Import(gan, Safetensors.Load(weights).Tensors);
            gan.eval();
            return gan;
        }
        finally
        {
            File.Delete(weights);
        }
    }

    /// <summary>The study's declared architecture as the learning library builds it (the platform's models have no optional norms).</summary>
    public static GanArchitecture ToGan(this ModelArchitecture architecture) =>
        new GanArchitecture(architecture.ImageSize, architecture.Classes, architecture.LatentDim,
            architecture.GeneratorWidth, architecture.DiscriminatorWidth).Validate();
}
