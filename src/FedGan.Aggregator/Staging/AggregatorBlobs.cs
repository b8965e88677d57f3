using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FedGan.Aggregation;
using FedGan.Aggregator.Rounds;
using FedGan.Contracts;
using Microsoft.Extensions.Options;

namespace FedGan.Aggregator.Staging;

/// <summary>
/// The aggregator's blob container: staged updates under "{study}/rounds/{round}/updates/{site}/",
/// FedAdam states under "{study}/optimizer/". The container is created on first use.
/// </summary>
public sealed class AggregatorBlobs(BlobServiceClient service, IOptions<AggregatorOptions> options)
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(options.Value.Container);
    private volatile bool _containerExists;

    public async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists)
            return;
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerExists = true;
    }

    /// <summary>A new staging blob for one upload attempt (unique, so concurrent attempts never share one).</summary>
    public BlockBlobStager StageUpdate(string studyId, int round, string siteId) =>
        new(_container.GetBlockBlobClient($"{studyId}/rounds/{round}/updates/{siteId}/{Guid.NewGuid():N}.safetensors"));

    public ITensorFileSource StagedUpdate(StagedUpdate update) =>
        new BlobTensorFile(_container.GetBlobClient(update.Blob), $"update of site '{update.Receipt.SiteId}'", ErrorCodes.StagedUpdateCorrupt);

    /// <summary>Removes a staged blob no receipt points to (a refused or duplicate attempt).</summary>
    public async Task DeleteAsync(string blobName, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>FedAdam's moments after <paramref name="round"/>, or null if that round stored none.</summary>
    public async Task<ITensorFileSource?> OptimizerStateAsync(string studyId, int round, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(OptimizerStateName(studyId, round));
        return await blob.ExistsAsync(cancellationToken) ? new BlobTensorFile(blob, $"FedAdam state of round {round}", ErrorCodes.OptimizerStateMissing) : null;
    }

    /// <summary>Stores FedAdam's moments after <paramref name="round"/>; a re-run of the round writes the same bytes over them.</summary>
    public async Task SaveOptimizerStateAsync(string studyId, int round, ModelLayout layout, FedAdamState state, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(OptimizerStateName(studyId, round));
        await using var stream = await blob.OpenWriteAsync(overwrite: true,
            new BlockBlobOpenWriteOptions { BufferSize = BlockBlobStager.DefaultBlockBytes }, cancellationToken);
        await state.WriteAsync(layout, stream, cancellationToken);
    }

    private static string OptimizerStateName(string studyId, int round) => $"{studyId}/optimizer/fedadam-round-{round}.safetensors";

    /// <summary>A blob read once, front to back, as a streamed download.</summary>
    private sealed class BlobTensorFile(BlobClient blob, string description, string missingCode) : ITensorFileSource
    {
        public string Description => description;

        public async Task<Stream> OpenReadAsync(CancellationToken cancellationToken)
        {
            try
            {
                var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
                return download.Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new AggregationInputException(missingCode,
                    $"The {description} is missing from blob storage ({blob.Name}).", e);
            }
        }
    }
}
