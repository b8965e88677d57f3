using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Updates;
using StackExchange.Redis;

namespace FedGan.Aggregator.Rounds;

/// <summary>
/// Rounds and receipts in Redis. The three writes that must not race are single Lua scripts:
/// registering (idempotent), recording a receipt (only while the round is open and before its
/// deadline, once per site) and closing (after which no receipt is recorded, and the receipts
/// read are exactly the ones the round will be aggregated from).
/// </summary>
public sealed class RoundStore(IConnectionMultiplexer redis)
{
    public enum RegistrationResult { Created, Same, Conflict }

    public enum ReceiptResult { Accepted, Existing, Closed, Late, Missing }

    private const string RegisterScript = """
        local existing = redis.call('HGET', KEYS[1], 'registration')
        if existing then
          if existing == ARGV[1] then return 'same' end
          return 'conflict'
        end
        redis.call('HSET', KEYS[1], 'registration', ARGV[1], 'deadline_ms', ARGV[2])
        return 'created'
        """;

    private const string RecordScript = """
        if redis.call('HEXISTS', KEYS[1], 'registration') == 0 then return {'missing'} end
        local existing = redis.call('HGET', KEYS[2], ARGV[1])
        if existing then return {'existing', existing} end
        if redis.call('HEXISTS', KEYS[1], 'closed_at_ms') == 1 then return {'closed'} end
        if tonumber(ARGV[3]) >= tonumber(redis.call('HGET', KEYS[1], 'deadline_ms')) then return {'late'} end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        return {'accepted'}
        """;

    private const string CloseScript = """
        if redis.call('HEXISTS', KEYS[1], 'registration') == 0 then return false end
        redis.call('HSETNX', KEYS[1], 'closed_at_ms', ARGV[1])
        return {redis.call('HGET', KEYS[1], 'registration'), redis.call('HGET', KEYS[1], 'closed_at_ms'), redis.call('HVALS', KEYS[2])}
        """;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>The registration as stored: sites in ordinal order, deadline in UTC, so equal registrations store equal bytes.</summary>
    public static RoundRegistration Canonical(RoundRegistration registration) => registration with
    {
        AdmittedSites = registration.AdmittedSites.Order(StringComparer.Ordinal).ToList(),
        Deadline = registration.Deadline.ToUniversalTime(),
    };

    public async Task<RegistrationResult> RegisterAsync(string studyId, int round, RoundRegistration registration)
    {
        var keys = new RoundKeys(studyId, round);
        var canonical = Canonical(registration);
        var result = (string?)await Database.ScriptEvaluateAsync(RegisterScript, [keys.State],
            [JsonSerializer.Serialize(canonical, ContractJson.Options), canonical.Deadline.ToUnixTimeMilliseconds()]);
        return result switch
        {
            "created" => RegistrationResult.Created,
            "same" => RegistrationResult.Same,
            _ => RegistrationResult.Conflict,
        };
    }

    public async Task<StoredRound?> GetAsync(string studyId, int round)
    {
        var keys = new RoundKeys(studyId, round);
        var fields = await Database.HashGetAsync(keys.State, [RoundKeys.RegistrationField, RoundKeys.ClosedAtField]);
        return fields[0].HasValue ? Read(studyId, round, fields[0], fields[1]) : null;
    }

    public async Task<StagedUpdate?> GetReceiptAsync(string studyId, int round, string siteId)
    {
        var value = await Database.HashGetAsync(new RoundKeys(studyId, round).Receipts, siteId);
        return value.HasValue ? ReadUpdate(value) : null;
    }

    /// <summary>Every accepted update of the round, by site id.</summary>
    public async Task<IReadOnlyList<StagedUpdate>> ListReceiptsAsync(string studyId, int round)
    {
        var values = await Database.HashValuesAsync(new RoundKeys(studyId, round).Receipts);
        return Sorted(values);
    }

    /// <summary>Records the receipt unless the round is closed, past its deadline at <paramref name="now"/>, or the site already has one (returned).</summary>
    public async Task<(ReceiptResult Result, StagedUpdate? Existing)> RecordAsync(StagedUpdate update, DateTimeOffset now)
    {
        var receipt = update.Receipt;
        var keys = new RoundKeys(receipt.StudyId, receipt.Round);
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RecordScript, [keys.State, keys.Receipts],
            [receipt.SiteId, JsonSerializer.Serialize(update, ContractJson.Options), now.ToUnixTimeMilliseconds()]))!;
        return (string?)result[0] switch
        {
            "accepted" => (ReceiptResult.Accepted, null),
            "existing" => (ReceiptResult.Existing, ReadUpdate((RedisValue)result[1])),
            "closed" => (ReceiptResult.Closed, null),
            "late" => (ReceiptResult.Late, null),
            _ => (ReceiptResult.Missing, null),
        };
    }

    /// <summary>Closes the round (once; later calls keep the first time) and returns it with its receipts; null if never registered.</summary>
    public async Task<ClosedRound?> CloseAsync(string studyId, int round, DateTimeOffset now)
    {
        var keys = new RoundKeys(studyId, round);
        var result = await Database.ScriptEvaluateAsync(CloseScript, [keys.State, keys.Receipts], [now.ToUnixTimeMilliseconds()]);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
            return null;
        var parts = (RedisResult[])result!;
        var stored = Read(studyId, round, (RedisValue)parts[0], (RedisValue)parts[1]);
        return new ClosedRound(stored, Sorted(((RedisResult[])parts[2]!).Select(r => (RedisValue)r).ToArray()));
    }

    private static StoredRound Read(string studyId, int round, RedisValue registration, RedisValue closedAt) =>
        new(studyId, round,
            JsonSerializer.Deserialize<RoundRegistration>(registration.ToString(), ContractJson.Options)!,
            closedAt.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds((long)closedAt) : null);

    private static StagedUpdate ReadUpdate(RedisValue value) =>
        JsonSerializer.Deserialize<StagedUpdate>(value.ToString(), ContractJson.Options)!;

    private static IReadOnlyList<StagedUpdate> Sorted(RedisValue[] values) =>
        values.Select(ReadUpdate).OrderBy(u => u.Receipt.SiteId, StringComparer.Ordinal).ToList();
}
