using FedGan.Contracts.Updates;

namespace FedGan.Aggregator.Rounds;

/// <summary>A registered round as stored: what the scheduler registered, and when it closed (null while open).</summary>
public sealed record StoredRound(string StudyId, int Round, RoundRegistration Registration, DateTimeOffset? ClosedAt)
{
    public bool Admits(string siteId) => Registration.AdmittedSites.Contains(siteId, StringComparer.Ordinal);
}

/// <summary>An accepted update: its receipt, and the blob its bytes were staged in.</summary>
public sealed record StagedUpdate(UpdateReceipt Receipt, string Blob);

/// <summary>A round at the moment it was closed: the registration and every update accepted before.</summary>
public sealed record ClosedRound(StoredRound Round, IReadOnlyList<StagedUpdate> Updates);
