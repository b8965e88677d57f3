using FedGan.PrivacyAccountant.Audit;
using StackExchange.Redis;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// Reads a study's privacy state from Redis and applies changes to it atomically: each change is
/// one MULTI/EXEC that appends its audit link and only succeeds if nobody else wrote to the study
/// since the snapshot was read (optimistic concurrency on the audit head, safe across replicas).
/// </summary>
public sealed class LedgerStore(IConnectionMultiplexer redis)
{
    private IDatabase Database => redis.GetDatabase();

    /// <param name="siteId">Only this site's entries, or every site's when null.</param>
    public async Task<StudySnapshot> ReadAsync(string studyId, string? siteId)
    {
        var keys = new LedgerKeys(studyId);
        var database = Database;
        // The head is read first: anything read after it is at least as new, so a write conditioned
        // on this head can only apply to a state no older than the one decided on.
        var head = await database.StringGetAsync(keys.AuditHead);
        var budget = await database.StringGetAsync(keys.Budget);
        var siteBudgets = await database.HashGetAllAsync(keys.SiteBudgets);
        var sites = siteId is null
            ? (await database.SetMembersAsync(keys.Sites)).Select(s => s.ToString()).ToList()
            : [siteId];

        var entries = new Dictionary<string, IReadOnlyList<LedgerEntry>>(StringComparer.Ordinal);
        foreach (var site in sites)
        {
            var stored = await database.HashGetAllAsync(keys.Entries(site));
            entries[site] = stored.Select(e => LedgerJson.Read<LedgerEntry>(e.Value!)).OrderBy(e => e.Round).ToList();
        }

        return new StudySnapshot(
            studyId,
            budget.HasValue ? LedgerJson.Read<StudyBudget>(budget!) : null,
            siteBudgets.ToDictionary(e => e.Name.ToString(), e => LedgerJson.Read<SiteBudget>(e.Value!), StringComparer.Ordinal),
            entries,
            head.HasValue ? head.ToString() : null);
    }

    /// <returns>False when the study changed since <paramref name="snapshot"/> was read.</returns>
    public async Task<bool> TryApplyAsync(StudySnapshot snapshot, AuditEvent auditEvent, Action<ITransaction, LedgerKeys> writes)
    {
        var keys = new LedgerKeys(snapshot.StudyId);
        var link = snapshot.NextAuditRecord(LedgerJson.Write(auditEvent));
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(snapshot.Head is null
            ? Condition.KeyNotExists(keys.AuditHead)
            : Condition.StringEqual(keys.AuditHead, snapshot.Head));

        writes(transaction, keys);
        _ = transaction.ListRightPushAsync(keys.AuditLog, LedgerJson.Write(link));
        _ = transaction.StringSetAsync(keys.AuditHead, AuditHead.Format(link));
        _ = transaction.SetAddAsync(LedgerKeys.Studies, snapshot.StudyId);
        return await transaction.ExecuteAsync();
    }

    /// <returns>The links as stored; a link that is not even readable JSON is null (verification reports it).</returns>
    public async Task<IReadOnlyList<AuditRecord?>> ReadAuditAsync(string studyId)
    {
        var stored = await Database.ListRangeAsync(new LedgerKeys(studyId).AuditLog);
        return stored.Select(r => LedgerJson.TryRead<AuditRecord>(r.ToString())).ToList();
    }

    public async Task<string?> ReadAuditHeadAsync(string studyId)
    {
        var head = await Database.StringGetAsync(new LedgerKeys(studyId).AuditHead);
        return head.HasValue ? head.ToString() : null;
    }
}
