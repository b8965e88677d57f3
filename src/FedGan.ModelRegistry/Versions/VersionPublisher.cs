using System.Diagnostics;
using FedGan.Contracts.Models;
using FedGan.ModelRegistry.Storage;
using FedGan.Tensors;

namespace FedGan.ModelRegistry.Versions;

/// <summary>
/// Publishes model versions: checks lineage (version v names v-1, which must exist) and that the
/// weights have the layout of version 0's model, then writes the manifest exactly once. Repeating
/// a publication returns the stored manifest; a different one for a taken version is a conflict.
/// </summary>
public sealed class VersionPublisher(ManifestStore manifests, WeightsStore weights, TimeProvider time, ILogger<VersionPublisher> logger)
{
    public async Task<PublishOutcome> PublishAsync(string studyId, int version, PublishVersionRequest request, CancellationToken cancellationToken)
    {
        using var activity = FedGanTelemetry.ActivitySource.StartActivity("registry.publish_version");
        activity?.SetTag("fedgan.study_id", studyId);
        activity?.SetTag("fedgan.model_version", version);

        var outcome = await DecideAsync(studyId, version, request, cancellationToken);
        activity?.SetTag("fedgan.outcome", outcome switch
        {
            { Error: { } error } => error.Code,
            { Created: true } => "created",
            _ => "existing",
        });
        if (outcome.Error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Error.Code);
        }

        return outcome;
    }

    private async Task<PublishOutcome> DecideAsync(string studyId, int version, PublishVersionRequest request, CancellationToken cancellationToken)
    {
        if (PublishRules.Check(version, request) is { } invalid)
        {
            return PublishOutcome.Refused(invalid);
        }

        var draft = ManifestDraft.From(version, request);
        if (await manifests.ReadAsync(studyId, version, cancellationToken) is { } existing)
        {
            return Settle(studyId, existing, draft);
        }

        var (model, lineageError) = version == 0 ? (request.Model!, null) : await ResolveLineageAsync(studyId, version, request.Round!.Value, cancellationToken);
        if (lineageError is not null)
        {
            return PublishOutcome.Refused(lineageError);
        }

        var header = await weights.ReadHeaderAsync(studyId, draft.WeightsSha256, cancellationToken);
        if (header is null)
        {
            return PublishOutcome.Refused(RegistryErrors.WeightsNotFound(studyId, draft.WeightsSha256));
        }

        if (header.FindMismatch(model.Tensors.Select(t => new TensorSpec(t.Name, t.Shape)), compareDTypes: true) is { } mismatch)
        {
            return PublishOutcome.Refused(RegistryErrors.WeightsMismatch(version, mismatch));
        }

        var manifest = draft.ToManifest(studyId, version, header.FileLength, model, time.GetUtcNow());
        if (!await manifests.TryCreateAsync(manifest, cancellationToken))
        {
            // A concurrent publisher wrote this version between our read and our write.
            var winner = await manifests.ReadAsync(studyId, version, cancellationToken)
                ?? throw new InvalidOperationException($"Version {version} of study '{studyId}' exists but cannot be read.");
            return Settle(studyId, winner, draft);
        }

        RegistryMetrics.VersionPublished(version);
        logger.LogInformation("Published version {Version} of study {StudyId}: weights {Sha256}, round {Round}, {Contributions} contributions",
            version, studyId, manifest.WeightsSha256, manifest.Round, manifest.Contributions.Count);
        return PublishOutcome.New(manifest);
    }

    /// <summary>
    /// The model the weights must fit, once the parent is known to exist and to precede this round.
    /// Every manifest carries version 0's model, so the parent's is the study's.
    /// </summary>
    private async Task<(ModelDescription Model, RegistryError? Error)> ResolveLineageAsync(
        string studyId, int version, int round, CancellationToken cancellationToken)
    {
        var parent = await manifests.ReadAsync(studyId, version - 1, cancellationToken);
        if (parent is null)
        {
            return (null!, RegistryErrors.ParentVersionNotFound(studyId, version - 1));
        }

        if (parent.Round is { } parentRound && round <= parentRound)
        {
            return (null!, RegistryErrors.RoundNotAfterParent(round, parent.Version, parentRound));
        }

        return (parent.Model, null);
    }

    private static PublishOutcome Settle(string studyId, ModelVersionManifest existing, ManifestDraft draft) =>
        ManifestDraft.From(existing).SameAs(draft)
            ? PublishOutcome.Existing(existing)
            : PublishOutcome.Refused(RegistryErrors.VersionConflict(studyId, existing.Version));
}
