using FedGan.Aggregation;
using FedGan.Contracts;

namespace FedGan.Aggregator.Aggregation;

/// <summary>The refusals and failures of an aggregation, worded for the scheduler's operator.</summary>
internal static class AggregationErrors
{
    public static ServiceError NoUpdates(int round) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.RoundHasNoUpdates,
            $"Round {round} is closed with no accepted update: there is nothing to aggregate, and no version is published.");

    public static ServiceError VersionConflict(string studyId, int version, string difference) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.VersionConflict,
            $"Version {version} of study '{studyId}' is already published from something else: {difference}.");

    public static ServiceError BaseMissing(string studyId, int baseVersion) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.VersionNotFound,
            $"The round's base, version {baseVersion} of study '{studyId}', is not in the model registry.");

    public static ServiceError StateMissing(string studyId, int baseRound, int baseVersion) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.OptimizerStateMissing,
            $"FedAdam's moments after round {baseRound} (which produced version {baseVersion}) of study '{studyId}' are not stored; the round cannot continue from them.");

    public static ServiceError NoiseUnconfigured() =>
        new(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ServerNoiseUnconfigured,
            "This round asks for server noise, but the aggregator has no Aggregator:ServerNoiseSecret to seed it with.");

    /// <summary>A staged update or the base weights not matching their recorded hash: the stores disagree, nothing is published.</summary>
    public static ServiceError BadInput(AggregationInputException e) =>
        new(e.Code == ErrorCodes.WeightsMismatch ? StatusCodes.Status502BadGateway : StatusCodes.Status500InternalServerError, e.Code, e.Message);
}
