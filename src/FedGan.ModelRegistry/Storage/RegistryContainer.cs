using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace FedGan.ModelRegistry.Storage;

/// <summary>The registry's blob container, created on first use, and where each kind of blob lives in it.</summary>
public sealed class RegistryContainer(BlobServiceClient service, IOptions<RegistryOptions> options)
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(options.Value.ContainerName);
    private volatile bool _exists;

    /// <summary>
    /// The container, created if missing. Done on first use rather than at start so the service
    /// starts (and reports itself unready) while storage is down, and recovers when it returns.
    /// </summary>
    public async ValueTask<BlobContainerClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }

        return _container;
    }

    /// <summary>Content-addressed, so identical uploads land on the same blob.</summary>
    public static string WeightsName(string studyId, string sha256) => $"weights/{studyId}/{sha256}.safetensors";

    /// <summary>Where an upload is assembled before its hash, and so its final name, is known.</summary>
    public static string StagingName(string studyId, Guid uploadId) => $"staging/{studyId}/{uploadId:N}.safetensors";

    /// <summary>Zero-padded so that listing order (lexicographic) is version order.</summary>
    public static string ManifestName(string studyId, int version) => $"{ManifestPrefix(studyId)}{version:D10}.json";

    public static string ManifestPrefix(string studyId) => $"manifests/{studyId}/";

    /// <summary>By version, then time: listing order is the order evaluations were made in.</summary>
    public static string EvaluationName(string studyId, int version, DateTimeOffset evaluatedAt, Guid id) =>
        $"{EvaluationPrefix(studyId)}{version:D10}/{evaluatedAt.UtcTicks:D19}-{id:N}.json";

    public static string EvaluationPrefix(string studyId) => $"evaluations/{studyId}/";
}
