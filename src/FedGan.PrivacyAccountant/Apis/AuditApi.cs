using System.Text.Json;
using FedGan.PrivacyAccountant.Audit;
using FedGan.PrivacyAccountant.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.PrivacyAccountant.Apis;

/// <summary>A study's audit chain as auditors export it: every link, and the head to keep.</summary>
public sealed record AuditExport(string StudyId, string? Head, IReadOnlyList<ExportedAuditRecord> Records);

/// <summary>A link with its event parsed for reading; the stored payload is what the hash covers.</summary>
public sealed record ExportedAuditRecord(long Seq, string PrevHash, string Hash, string Payload, JsonElement Event);

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/studies/{studyId}/audit").WithTags("Audit").RequireAuthorization(FedGanPolicies.Audit);

        api.MapGet("/", Export)
            .WithName("ExportAuditLog")
            .WithSummary("The study's append-only, hash-chained audit log, as JSON.");
        api.MapGet("/verification", Verify)
            .WithName("VerifyAuditLog")
            .WithSummary("Recompute the chain: reports the first altered, removed or reordered link, if any.");
        return app;
    }

    public static async Task<Results<Ok<AuditExport>, ProblemHttpResult>> Export(string studyId, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        var records = await services.Store.ReadAuditAsync(studyId);
        if (records.Count == 0)
        {
            return LedgerErrors.BudgetNotFound(studyId).ToProblem();
        }

        var head = await services.Store.ReadAuditHeadAsync(studyId);
        return TypedResults.Ok(new AuditExport(studyId, head, records
            .Select((r, index) => r is null
                ? new ExportedAuditRecord(index + 1, string.Empty, string.Empty, string.Empty, ParseEvent("\"unreadable link\""))
                : new ExportedAuditRecord(r.Seq, r.PrevHash, r.Hash, r.Payload, ParseEvent(r.Payload)))
            .ToList()));
    }

    public static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> Verify(string studyId, [AsParameters] PrivacyServices services)
    {
        if (RequestValidation.Ids(studyId) is { } badId)
        {
            return badId;
        }

        var head = await services.Store.ReadAuditHeadAsync(studyId);
        var records = await services.Store.ReadAuditAsync(studyId);
        if (head is null && records.Count == 0)
        {
            return LedgerErrors.BudgetNotFound(studyId).ToProblem();
        }

        return TypedResults.Ok(AuditChainVerifier.Verify(records, AuditHead.Parse(head)));
    }

    private static JsonElement ParseEvent(string payload)
    {
        try
        {
            return JsonDocument.Parse(payload).RootElement.Clone();
        }
        catch (JsonException)
        {
            // A tampered payload is still exported as stored; verification reports it.
            return JsonDocument.Parse(JsonSerializer.Serialize(payload)).RootElement.Clone();
        }
    }
}
