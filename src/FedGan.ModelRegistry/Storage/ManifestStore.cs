using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Storage;

/// <summary>Version manifests as write-once JSON blobs: created once, never overwritten.</summary>
public sealed class ManifestStore(RegistryContainer container)
{
    // Enough parallel reads to list hundreds of versions quickly without flooding the account.
    private const int ParallelReads = 8;

    public async Task<ModelVersionManifest?> ReadAsync(string studyId, int version, CancellationToken cancellationToken)
    {
        var blob = (await container.GetAsync(cancellationToken)).GetBlobClient(RegistryContainer.ManifestName(studyId, version));
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
            return content.ToObjectFromJson<ModelVersionManifest>(ContractJson.Options)
                ?? throw new InvalidDataException($"Manifest blob '{blob.Name}' holds JSON null.");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the manifest only if its version does not exist yet (If-None-Match: *), so of
    /// concurrent publishers exactly one succeeds. False when the version already exists.
    /// </summary>
    public async Task<bool> TryCreateAsync(ModelVersionManifest manifest, CancellationToken cancellationToken)
    {
        var blob = (await container.GetAsync(cancellationToken))
            .GetBlobClient(RegistryContainer.ManifestName(manifest.StudyId, manifest.Version));
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(manifest, ContractJson.Options), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The published version numbers of a study, ascending.</summary>
    public async Task<IReadOnlyList<int>> ListVersionsAsync(string studyId, CancellationToken cancellationToken)
    {
        var prefix = RegistryContainer.ManifestPrefix(studyId);
        var versions = new List<int>();
        var blobs = (await container.GetAsync(cancellationToken)).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);
        await foreach (var item in blobs)
        {
            var name = item.Name[prefix.Length..];
            if (name.EndsWith(".json", StringComparison.Ordinal)
                && int.TryParse(name[..^".json".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
        }

        versions.Sort();
        return versions;
    }

    public async Task<IReadOnlyList<ModelVersionManifest>> ReadAllAsync(string studyId, CancellationToken cancellationToken)
    {
        var versions = await ListVersionsAsync(studyId, cancellationToken);
        var manifests = new ModelVersionManifest[versions.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, versions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (index, token) => manifests[index] = await ReadAsync(studyId, versions[index], token)
                ?? throw new InvalidDataException($"Manifest {versions[index]} of study '{studyId}' vanished while it was listed."));
        return manifests;
    }

    public async Task<ModelVersionManifest?> ReadLatestAsync(string studyId, CancellationToken cancellationToken)
    {
        var versions = await ListVersionsAsync(studyId, cancellationToken);
        return versions.Count == 0 ? null : await ReadAsync(studyId, versions[^1], cancellationToken);
    }
}
