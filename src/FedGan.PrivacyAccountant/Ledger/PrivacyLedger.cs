using FedGan.PrivacyAccountant.Audit;
using StackExchange.Redis;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// The (epsilon, delta) ledger: budgets, and reserve / commit / release of each site's mechanism per
/// round. Every change is idempotent, refused when it would break a budget, and audited.
/// </summary>
public sealed class PrivacyLedger(LedgerStore store, EpsilonCalculator calculator, TimeProvider clock, ILogger<PrivacyLedger> logger)
{
    private const int MaxAttempts = 200;

    public Task<LedgerOutcome<StudyBudget>> SetBudgetAsync(string studyId, StudyBudget budget) =>
        ApplyAsync<StudyBudget>(studyId, siteId: null, snapshot =>
        {
            if (snapshot.Budget is { } existing)
            {
                if (existing == budget)
                {
                    return Decision<StudyBudget>.Done(LedgerOutcome<StudyBudget>.Existing(existing));
                }

                if (existing with { EpsilonMax = budget.EpsilonMax } != budget)
                {
                    return Decision<StudyBudget>.Done(LedgerOutcome<StudyBudget>.Refused(LedgerErrors.BudgetImmutable(existing)));
                }
            }

            return Decision<StudyBudget>.Write(
                LedgerOutcome<StudyBudget>.New(budget),
                new AuditEvent(clock.GetUtcNow(), AuditActions.StudyBudgetSet, studyId, StudyBudget: budget),
                (transaction, keys) => _ = transaction.StringSetAsync(keys.Budget, LedgerJson.Write(budget)));
        });

    public Task<LedgerOutcome<SiteBudget>> SetSiteBudgetAsync(string studyId, string siteId, SiteBudget budget) =>
        ApplyAsync<SiteBudget>(studyId, siteId, snapshot =>
        {
            if (snapshot.Budget is null)
            {
                return Decision<SiteBudget>.Done(LedgerOutcome<SiteBudget>.Refused(LedgerErrors.BudgetNotFound(studyId)));
            }

            if (snapshot.SiteBudgets.TryGetValue(siteId, out var existing) && existing == budget)
            {
                return Decision<SiteBudget>.Done(LedgerOutcome<SiteBudget>.Existing(existing));
            }

            return Decision<SiteBudget>.Write(
                LedgerOutcome<SiteBudget>.New(budget),
                new AuditEvent(clock.GetUtcNow(), AuditActions.SiteBudgetSet, studyId, siteId, SiteBudget: budget),
                (transaction, keys) =>
                {
                    _ = transaction.HashSetAsync(keys.SiteBudgets, siteId, LedgerJson.Write(budget));
                    _ = transaction.SetAddAsync(keys.Sites, siteId);
                });
        });

    public Task<LedgerOutcome<Reservation>> ReserveAsync(string studyId, int round, string siteId, Mechanism mechanism) =>
        ApplyAsync<Reservation>(studyId, siteId, snapshot =>
        {
            if (snapshot.Budget is not { } budget)
            {
                return Refuse(LedgerErrors.BudgetNotFound(studyId));
            }

            if (mechanism.PrivacyUnit != budget.PrivacyUnit)
            {
                return Refuse(LedgerErrors.UnitMismatch(mechanism.PrivacyUnit, budget.PrivacyUnit));
            }

            var others = snapshot.EntriesOf(siteId).Where(e => e.Round != round && e.CountsAgainstBudget).Select(e => e.Mechanism).ToList();
            var before = calculator.Epsilon(budget, others);
            if (snapshot.Entry(siteId, round) is { } existing)
            {
                return existing.Mechanism == mechanism && existing.Status != ReservationStatus.Released
                    ? Decision<Reservation>.Done(LedgerOutcome<Reservation>.Existing(Describe(snapshot, existing, before)))
                    : Refuse(existing.Status == ReservationStatus.Released
                        ? LedgerErrors.AlreadySettled(existing, "reserved again")
                        : LedgerErrors.ReservationConflict(existing));
            }

            var after = calculator.Epsilon(budget, [.. others, mechanism]);
            var cap = snapshot.EffectiveBudget(siteId);
            if (after > cap)
            {
                logger.LogInformation("Refused round {Round} of study {StudyId} for site {SiteId}: epsilon {After} over budget {Budget}",
                    round, studyId, siteId, after, cap);
                return Refuse(LedgerErrors.BudgetExceeded(siteId, before, after - before, after, cap, budget.Delta));
            }

            var entry = new LedgerEntry(studyId, siteId, round, mechanism, ReservationStatus.Reserved, clock.GetUtcNow(), null);
            return Decision<Reservation>.Write(
                LedgerOutcome<Reservation>.New(Describe(snapshot, entry, before)),
                new AuditEvent(entry.ReservedAt, AuditActions.Reserved, studyId, siteId, round, mechanism, SiteEpsilonAfter: after),
                (transaction, keys) =>
                {
                    _ = transaction.HashSetAsync(keys.Entries(siteId), round, LedgerJson.Write(entry));
                    _ = transaction.SetAddAsync(keys.Sites, siteId);
                });
        });

    public Task<LedgerOutcome<Reservation>> CommitAsync(string studyId, int round, string siteId) =>
        SettleAsync(studyId, round, siteId, ReservationStatus.Committed, AuditActions.Committed, "committed");

    public Task<LedgerOutcome<Reservation>> ReleaseAsync(string studyId, int round, string siteId) =>
        SettleAsync(studyId, round, siteId, ReservationStatus.Released, AuditActions.Released, "released");

    private Task<LedgerOutcome<Reservation>> SettleAsync(string studyId, int round, string siteId,
        ReservationStatus target, string action, string verb) =>
        ApplyAsync<Reservation>(studyId, siteId, snapshot =>
        {
            if (snapshot.Entry(siteId, round) is not { } existing || snapshot.Budget is null)
            {
                return Refuse(LedgerErrors.ReservationNotFound(studyId, siteId, round));
            }

            var before = calculator.Epsilon(snapshot.Budget,
                snapshot.EntriesOf(siteId).Where(e => e.Round != round && e.CountsAgainstBudget).Select(e => e.Mechanism));
            if (existing.Status == target)
            {
                return Decision<Reservation>.Done(LedgerOutcome<Reservation>.Existing(Describe(snapshot, existing, before)));
            }

            if (existing.Status != ReservationStatus.Reserved)
            {
                return Refuse(LedgerErrors.AlreadySettled(existing, verb));
            }

            var settled = existing with { Status = target, SettledAt = clock.GetUtcNow() };
            var after = target == ReservationStatus.Committed ? calculator.Epsilon(snapshot.Budget, [.. OthersAndThis(snapshot, settled)]) : before;
            return Decision<Reservation>.Write(
                LedgerOutcome<Reservation>.New(Describe(snapshot, settled, before)),
                new AuditEvent(settled.SettledAt!.Value, action, studyId, siteId, round, SiteEpsilonAfter: after),
                (transaction, keys) => _ = transaction.HashSetAsync(keys.Entries(siteId), round, LedgerJson.Write(settled)));
        });

    private static IEnumerable<Mechanism> OthersAndThis(StudySnapshot snapshot, LedgerEntry entry) =>
        snapshot.EntriesOf(entry.SiteId).Where(e => e.Round != entry.Round && e.CountsAgainstBudget).Append(entry).Select(e => e.Mechanism);

    private Reservation Describe(StudySnapshot snapshot, LedgerEntry entry, double before)
    {
        var budget = snapshot.Budget!;
        var after = entry.CountsAgainstBudget ? calculator.Epsilon(budget, OthersAndThis(snapshot, entry)) : before;
        return new Reservation(entry.StudyId, entry.SiteId, entry.Round, entry.Status, entry.Mechanism, budget.Delta,
            before, after, snapshot.EffectiveBudget(entry.SiteId), entry.ReservedAt, entry.SettledAt);
    }

    private static Decision<Reservation> Refuse(LedgerError error) =>
        Decision<Reservation>.Done(LedgerOutcome<Reservation>.Refused(error));

    private async Task<LedgerOutcome<T>> ApplyAsync<T>(string studyId, string? siteId, Func<StudySnapshot, Decision<T>> decide)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var snapshot = await store.ReadAsync(studyId, siteId);
            var decision = decide(snapshot);
            if (decision.Event is null || await store.TryApplyAsync(snapshot, decision.Event, decision.Writes!))
            {
                return decision.Outcome;
            }

            // Someone else wrote to this study first: decide again on the new state.
            await Task.Delay(Random.Shared.Next(1, Math.Min(50, 2 + attempt * 2)));
        }

        return LedgerOutcome<T>.Refused(LedgerErrors.Contention(studyId));
    }

    private sealed record Decision<T>(LedgerOutcome<T> Outcome, AuditEvent? Event, Action<ITransaction, LedgerKeys>? Writes)
    {
        public static Decision<T> Done(LedgerOutcome<T> outcome) => new(outcome, null, null);

        public static Decision<T> Write(LedgerOutcome<T> outcome, AuditEvent auditEvent, Action<ITransaction, LedgerKeys> writes) =>
            new(outcome, auditEvent, writes);
    }
}
