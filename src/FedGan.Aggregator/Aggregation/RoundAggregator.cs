using System.Diagnostics;
using FedGan.Aggregation;
using FedGan.Aggregator.Registry;
using FedGan.Aggregator.Rounds;
using FedGan.Aggregator.Staging;
using FedGan.Aggregator.Telemetry;
using FedGan.Aggregator.Uploads;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Updates;
using Microsoft.Extensions.Options;

namespace FedGan.Aggregator.Aggregation;

/// <summary>
/// Closes a round and publishes version base + 1 from every update accepted before the close.
/// Idempotent and crash-safe: the close is kept, the computation is deterministic (same updates in
/// the same order, same seeded noise, same stored optimizer state), the weights are
/// content-addressed and publishing an identical version is accepted; and a version already
/// published with this lineage is simply returned.
/// </summary>
public sealed class RoundAggregator(RoundStore rounds, ModelRegistryClient registry, AggregatorBlobs blobs, AggregationSlots slots,
    IOptions<AggregatorOptions> options, AggregatorMetrics metrics, TimeProvider clock, ILogger<RoundAggregator> logger)
{
    public async Task<Outcome<AggregationResult>> AggregateAsync(string studyId, int round, AggregationRequest request,
        CancellationToken cancellationToken)
    {
        using var activity = FedGanTelemetry.ActivitySource.StartActivity("aggregator.aggregate");
        activity?.SetTag("fedgan.study_id", studyId);
        activity?.SetTag("fedgan.round", round);
        var started = Stopwatch.GetTimestamp();

        if (await rounds.CloseAsync(studyId, round, clock.GetUtcNow()) is not { } closed)
            return UploadErrors.RoundNotFound(studyId, round);
        if (closed.Updates.Count == 0)
            return AggregationErrors.NoUpdates(round);
        var registration = closed.Round.Registration;
        var version = registration.BaseVersion + 1;
        var updates = closed.Updates
            .Select(u => new WeightedUpdate(u.Receipt.SiteId, u.Receipt.NumSamples, u.Receipt.Sha256, blobs.StagedUpdate(u)))
            .ToList();
        var lineage = new Lineage(registration.BaseVersion, round, WeightedMean.Weigh(updates),
            FederatedAggregation.Describe(registration.Aggregation, registration.UpdateClipNorm), request.EpsilonBySite);
        activity?.SetTag("fedgan.updates", updates.Count);

        try
        {
            if (await registry.GetVersionAsync(studyId, version, cancellationToken) is { } published)
                return lineage.Matches(published)
                    ? Outcome<AggregationResult>.Existing(lineage.Result(version, published.WeightsSha256))
                    : AggregationErrors.VersionConflict(studyId, version, lineage.Difference(published));

            if (await registry.GetVersionAsync(studyId, registration.BaseVersion, cancellationToken) is not { } baseVersion)
                return AggregationErrors.BaseMissing(studyId, registration.BaseVersion);
            ulong? seed = null;
            if (registration.Aggregation.ServerNoiseMultiplier > 0)
            {
                if (options.Value.ServerNoiseKey is not { } key)
                    return AggregationErrors.NoiseUnconfigured();
                seed = ServerNoise.Seed(key, studyId, round);
            }

            using (await slots.TakeAsync(cancellationToken))
            {
                var outcome = await ComputeAsync(studyId, round, registration, baseVersion, updates, seed, cancellationToken);
                if (outcome.Error is { } error)
                    return error;
                var (weights, layout, state) = outcome.Value!;
                if (state is not null)
                    await blobs.SaveOptimizerStateAsync(studyId, round, layout, state, cancellationToken);
                var uploaded = await registry.UploadWeightsAsync(studyId, weights, cancellationToken);
                if (!string.Equals(uploaded.Sha256, weights.Sha256, StringComparison.OrdinalIgnoreCase))
                    throw new RegistryUnavailableException($"The registry stored the weights as {uploaded.Sha256}; they hash to {weights.Sha256}.");
                if (await registry.PublishAsync(studyId, version, lineage.ToRequest(weights.Sha256), cancellationToken) is null)
                {
                    var raced = await registry.GetVersionAsync(studyId, version, cancellationToken);
                    return raced is not null && lineage.Matches(raced)
                        ? Outcome<AggregationResult>.Existing(lineage.Result(version, raced.WeightsSha256))
                        : AggregationErrors.VersionConflict(studyId, version, raced is null ? "the registry refused it" : lineage.Difference(raced));
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                metrics.Aggregated(elapsed, registration.Aggregation.Method);
                logger.LogInformation("Published version {Version} of study {StudyId} from {Updates} updates of round {Round} in {Seconds:F3} s: {Sha256}",
                    version, studyId, updates.Count, round, elapsed.TotalSeconds, weights.Sha256);
                return Outcome<AggregationResult>.New(lineage.Result(version, weights.Sha256));
            }
        }
        catch (AggregationInputException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            logger.LogError(e, "Aggregation of round {Round} of study {StudyId} failed: {Code}", round, studyId, e.Code);
            return AggregationErrors.BadInput(e);
        }
        catch (RegistryUnavailableException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ErrorCodes.RegistryUnavailable);
            logger.LogWarning(e, "Aggregation of round {Round} of study {StudyId} could not reach the registry", round, studyId);
            return new ServiceError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.RegistryUnavailable, e.Message);
        }
    }

    private async Task<Outcome<(AggregatedWeights Weights, ModelLayout Layout, FedAdamState? State)>> ComputeAsync(string studyId, int round,
        RoundRegistration registration, ModelVersionManifest baseVersion, IReadOnlyList<WeightedUpdate> updates, ulong? seed,
        CancellationToken cancellationToken)
    {
        var layout = ModelLayout.From(baseVersion.Model.Tensors);
        FedAdamState? previous = null;
        if (registration.Aggregation.Method == ServerOptimizer.FedAdamName && baseVersion.Round is { } baseRound)
        {
            // The moments after the round that produced the base version; none before the first.
            if (await blobs.OptimizerStateAsync(studyId, baseRound, cancellationToken) is not { } stored)
                return AggregationErrors.StateMissing(studyId, baseRound, registration.BaseVersion);
            previous = await FedAdamState.LoadAsync(layout, stored, cancellationToken);
        }

        var job = new AggregationJob(layout, updates, registry.WeightsOf(studyId, registration.BaseVersion), baseVersion.WeightsSha256,
            registration.Aggregation, registration.UpdateClipNorm, seed, previous, WeightsMetadata);
        var outcome = await FederatedAggregation.RunAsync(job, cancellationToken);
        logger.LogInformation("Aggregated round {Round} of study {StudyId}: mean {Mean:F3} s, noise {Noise:F3} s, apply {Apply:F3} s",
            round, studyId, outcome.Timings.WeightedMean.TotalSeconds, outcome.Timings.Noise.TotalSeconds, outcome.Timings.Apply.TotalSeconds);
        return Outcome<(AggregatedWeights, ModelLayout, FedAdamState?)>.New((outcome.Weights, layout, outcome.OptimizerState));
    }

    /// <summary>Marks the file as PyTorch tensors, as safetensors.torch.save_file does.</summary>
    private static readonly IReadOnlyDictionary<string, string> WeightsMetadata = new Dictionary<string, string> { ["format"] = "pt" };
}
