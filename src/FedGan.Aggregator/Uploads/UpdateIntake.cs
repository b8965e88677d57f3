using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FedGan.Aggregation;
using FedGan.Aggregator.Registry;
using FedGan.Aggregator.Rounds;
using FedGan.Aggregator.Staging;
using FedGan.Aggregator.Telemetry;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using Microsoft.AspNetCore.Http.Features;

namespace FedGan.Aggregator.Uploads;

/// <summary>
/// Takes one site's upload for a round: refuses what can be refused before the body is read
/// (unknown round, site not admitted, round closed or late, too large), streams the body into a
/// staging blob while validating it, then records the receipt atomically with the round's
/// "still open" check. An update is either in the round or refused, never both, and a retry of the
/// same bytes gets the first receipt back.
/// </summary>
public sealed class UpdateIntake(RoundStore rounds, StudyModels models, AggregatorBlobs blobs, AggregatorMetrics metrics,
    TimeProvider clock, ILogger<UpdateIntake> logger)
{
    public async Task<Outcome<UpdateReceipt>> AcceptAsync(string studyId, int round, string siteId, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var outcome = await TryAcceptAsync(studyId, round, siteId, request, cancellationToken);
        if (outcome.Error is { } error)
            metrics.Refused(error.Code);
        return outcome;
    }

    private async Task<Outcome<UpdateReceipt>> TryAcceptAsync(string studyId, int round, string siteId, HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (await rounds.GetAsync(studyId, round) is not { } stored)
            return UploadErrors.RoundNotFound(studyId, round);
        if (!stored.Admits(siteId))
            return UploadErrors.NotAdmitted(siteId, round);
        var model = await models.GetAsync(studyId, cancellationToken);
        if (model.Error is { } modelError)
            return modelError;
        var layout = model.Value!;
        if (request.ContentLength > layout.MaxUpdateBytes)
            return UploadErrors.From(UpdateInspector.TooLarge(layout));

        if (await rounds.GetReceiptAsync(studyId, round, siteId) is { } existing)
            return await CompareWithExistingAsync(existing, request, layout, cancellationToken);
        if (Refusal(stored, clock.GetUtcNow()) is { } closed)
            return closed;

        LimitBody(request, layout);
        await blobs.EnsureContainerAsync(cancellationToken);
        await using var stager = blobs.StageUpdate(studyId, round, siteId);
        InspectedUpdate inspected;
        using (var activity = FedGanTelemetry.ActivitySource.StartActivity("aggregator.validate_update"))
        {
            activity?.SetTag("fedgan.study_id", studyId);
            activity?.SetTag("fedgan.round", round);
            activity?.SetTag("fedgan.site_id", siteId);
            try
            {
                var expected = new UpdateExpectations(layout, stored.Registration.UpdateClipNorm, siteId, round, stored.Registration.BaseVersion);
                inspected = await UpdateInspector.InspectAsync(request.Body, request.ContentLength, expected, stager.WriteAsync, cancellationToken);
            }
            catch (UpdateRefusedException refused)
            {
                activity?.SetStatus(ActivityStatusCode.Error, refused.Code);
                logger.LogInformation("Refused the update of site {SiteId} for round {Round} of study {StudyId}: {Code}",
                    siteId, round, studyId, refused.Code);
                return UploadErrors.From(refused);
            }
            activity?.SetTag("fedgan.update.sha256", inspected.Sha256);
        }

        await stager.CommitAsync(new Dictionary<string, string> { ["sha256"] = inspected.Sha256, ["site_id"] = siteId }, cancellationToken);
        var receipt = new UpdateReceipt(studyId, round, siteId, inspected.Sha256, inspected.SizeBytes, inspected.NumSamples,
            inspected.L2Norm, clock.GetUtcNow());
        var (result, earlier) = await rounds.RecordAsync(new StagedUpdate(receipt, stager.BlobName), receipt.AcceptedAt);
        if (result == RoundStore.ReceiptResult.Accepted)
        {
            metrics.Accepted(inspected.L2Norm);
            logger.LogInformation("Accepted the update of site {SiteId} for round {Round} of study {StudyId}: {Sha256}, {NumSamples} samples",
                siteId, round, studyId, receipt.Sha256, receipt.NumSamples);
            return Outcome<UpdateReceipt>.New(receipt);
        }

        // Someone else's write won (a concurrent attempt, or the round closed meanwhile): ours goes.
        await blobs.DeleteAsync(stager.BlobName, cancellationToken);
        return result switch
        {
            RoundStore.ReceiptResult.Existing when earlier!.Receipt.Sha256 == receipt.Sha256 => Outcome<UpdateReceipt>.Existing(earlier.Receipt),
            RoundStore.ReceiptResult.Existing => UploadErrors.Conflict(earlier!.Receipt),
            RoundStore.ReceiptResult.Closed => UploadErrors.Closed(round, stored.ClosedAt ?? clock.GetUtcNow()),
            RoundStore.ReceiptResult.Late => UploadErrors.Late(round, stored.Registration.Deadline),
            _ => UploadErrors.RoundNotFound(studyId, round),
        };
    }

    private static ServiceError? Refusal(StoredRound stored, DateTimeOffset now) =>
        stored.ClosedAt is { } closedAt ? UploadErrors.Closed(stored.Round, closedAt)
        : now >= stored.Registration.Deadline ? UploadErrors.Late(stored.Round, stored.Registration.Deadline)
        : null;

    /// <summary>A second upload by a site that already has a receipt: the same bytes get that receipt, other bytes a conflict.</summary>
    private static async Task<Outcome<UpdateReceipt>> CompareWithExistingAsync(StagedUpdate existing, HttpRequest request, ModelLayout layout,
        CancellationToken cancellationToken)
    {
        var receipt = existing.Receipt;
        if (request.ContentLength is { } length && length != receipt.SizeBytes)
            return UploadErrors.Conflict(receipt);
        LimitBody(request, layout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > layout.MaxUpdateBytes)
                return UploadErrors.From(UpdateInspector.TooLarge(layout));
            hash.AppendData(buffer, 0, read);
        }
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        return sha == receipt.Sha256 ? Outcome<UpdateReceipt>.Existing(receipt) : UploadErrors.Conflict(receipt);
    }

    /// <summary>Lets the server take a body up to one byte past this model's bound, so the reader, not the server, says what is wrong.</summary>
    private static void LimitBody(HttpRequest request, ModelLayout layout)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = layout.MaxUpdateBytes + 1;
    }
}

/// <summary>The refusals of an upload, worded for the site's operator.</summary>
internal static class UploadErrors
{
    public static ServiceError RoundNotFound(string studyId, int round) =>
        new(StatusCodes.Status404NotFound, ErrorCodes.RoundNotFound, $"Round {round} of study '{studyId}' is not open at the aggregator.");

    public static ServiceError NotAdmitted(string siteId, int round) =>
        new(StatusCodes.Status403Forbidden, ErrorCodes.SiteNotAdmitted, $"Site '{siteId}' was not admitted to round {round}.");

    public static ServiceError Closed(int round, DateTimeOffset closedAt) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.RoundClosed,
            $"Round {round} was closed for aggregation at {closedAt.ToString("O", CultureInfo.InvariantCulture)}; no more updates are taken.");

    public static ServiceError Late(int round, DateTimeOffset deadline) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.RoundClosed,
            $"The deadline of round {round} passed at {deadline.ToString("O", CultureInfo.InvariantCulture)}; no more updates are taken.");

    public static ServiceError Conflict(UpdateReceipt existing) =>
        new(StatusCodes.Status409Conflict, ErrorCodes.UpdateConflict,
            $"Site '{existing.SiteId}' already has an update in round {existing.Round} (SHA-256 {existing.Sha256}); an update is uploaded once per round.");

    public static ServiceError From(UpdateRefusedException refused) => new(refused.Status, refused.Code, refused.Message);
}
