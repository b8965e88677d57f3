using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FedGan.ModelRegistry.Weights;
using FedGan.Tensors;
using Microsoft.Extensions.Options;

namespace FedGan.ModelRegistry.Storage;

/// <summary>Weights files in blob storage: staged while they upload, then kept under their SHA-256.</summary>
public sealed class WeightsStore(RegistryContainer container, IOptions<RegistryOptions> options)
{
    /// <summary>A fresh staging blob for one upload.</summary>
    public async Task<StagedBlocks> StartUploadAsync(string studyId, CancellationToken cancellationToken)
    {
        var staging = (await container.GetAsync(cancellationToken))
            .GetBlockBlobClient(RegistryContainer.StagingName(studyId, Guid.NewGuid()));
        return new StagedBlocks(staging, options.Value.BlockBytes);
    }

    public async Task<bool> ExistsAsync(string studyId, string sha256, CancellationToken cancellationToken) =>
        await (await container.GetAsync(cancellationToken))
            .GetBlobClient(RegistryContainer.WeightsName(studyId, sha256))
            .ExistsAsync(cancellationToken);

    /// <summary>
    /// Commits the staged upload and copies it (server-side) to its content address, unless a
    /// concurrent upload of the same bytes got there first. True when this upload created it.
    /// </summary>
    public async Task<bool> PromoteAsync(StagedBlocks upload, string studyId, string sha256, CancellationToken cancellationToken)
    {
        await upload.CommitAsync(cancellationToken);
        var target = (await container.GetAsync(cancellationToken)).GetBlobClient(RegistryContainer.WeightsName(studyId, sha256));
        try
        {
            var copy = await target.StartCopyFromUriAsync(upload.Blob.Uri, new BlobCopyFromUriOptions
            {
                DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            await copy.WaitForCompletionAsync(cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        finally
        {
            // Not the caller's token: a staging blob must not outlive a cancelled request.
            await upload.Blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>The header of stored weights (two small ranged reads), or null when there are none with that hash.</summary>
    public async Task<SafetensorsHeader?> ReadHeaderAsync(string studyId, string sha256, CancellationToken cancellationToken)
    {
        var blob = (await container.GetAsync(cancellationToken)).GetBlobClient(RegistryContainer.WeightsName(studyId, sha256));
        try
        {
            var prefix = await DownloadRangeAsync(blob, 0, WeightsHeaderReader.PrefixBytes, cancellationToken);
            var length = WeightsHeaderReader.HeaderLength(prefix, options.Value.MaxHeaderBytes);
            var json = await DownloadRangeAsync(blob, WeightsHeaderReader.PrefixBytes, length, cancellationToken);
            return WeightsHeaderReader.Parse([.. prefix, .. json]);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>A seekable, unbuffered read stream over stored weights, or null when there are none with that hash.</summary>
    public async Task<BlobRangeReadStream?> OpenReadAsync(string studyId, string sha256, CancellationToken cancellationToken)
    {
        var blob = (await container.GetAsync(cancellationToken)).GetBlobClient(RegistryContainer.WeightsName(studyId, sha256));
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new BlobRangeReadStream(blob, properties.ContentLength, properties.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static async Task<byte[]> DownloadRangeAsync(Azure.Storage.Blobs.BlobClient blob, long offset, int length, CancellationToken cancellationToken)
    {
        var content = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken)).Value.Content;
        return content.Length == length
            ? content.ToArray()
            : throw new InvalidDataException($"Blob '{blob.Name}' is shorter than its header says: stored weights are damaged.");
    }
}
