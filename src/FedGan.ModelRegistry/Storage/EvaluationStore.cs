using System.Globalization;
using Azure.Storage.Blobs.Models;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Storage;

/// <summary>
/// Evaluations of a study's versions as write-once JSON blobs, one per evaluation: a version may be
/// scored again (on other data, with other settings) and every score stays.
/// </summary>
public sealed class EvaluationStore(RegistryContainer container)
{
    private const int ParallelReads = 8;

    public async Task AddAsync(ModelEvaluation evaluation, CancellationToken cancellationToken)
    {
        var name = RegistryContainer.EvaluationName(evaluation.StudyId, evaluation.Version, evaluation.EvaluatedAt, Guid.NewGuid());
        var blob = (await container.GetAsync(cancellationToken)).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromObjectAsJson(evaluation, ContractJson.Options), new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = Azure.ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken);
    }

    /// <summary>Every evaluation of the study, by version and then by time.</summary>
    public async Task<IReadOnlyList<ModelEvaluation>> ReadAllAsync(string studyId, CancellationToken cancellationToken)
    {
        var client = await container.GetAsync(cancellationToken);
        var names = new List<string>();
        await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = RegistryContainer.EvaluationPrefix(studyId) }, cancellationToken))
        {
            names.Add(item.Name);
        }

        names.Sort(StringComparer.Ordinal);
        var evaluations = new ModelEvaluation[names.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (index, token) => evaluations[index] = (await client.GetBlobClient(names[index]).DownloadContentAsync(token)).Value.Content
                .ToObjectFromJson<ModelEvaluation>(ContractJson.Options)
                ?? throw new InvalidDataException($"Evaluation blob '{names[index]}' holds JSON null."));
        return evaluations;
    }
}
