using StackExchange.Redis;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// Redis keys of one study. The study id is the hash tag, so every key a transaction touches lives
/// in the same slot on a Redis Cluster too.
/// </summary>
public readonly record struct LedgerKeys(string StudyId)
{
    private string Prefix => $"fedgan:privacy:{{{StudyId}}}";

    public RedisKey Budget => $"{Prefix}:budget";

    public RedisKey SiteBudgets => $"{Prefix}:site-budgets";

    public RedisKey Sites => $"{Prefix}:sites";

    public RedisKey Entries(string siteId) => $"{Prefix}:entries:{siteId}";

    public RedisKey AuditLog => $"{Prefix}:audit";

    /// <summary>"seq:hash" of the last audit link; every write is conditioned on it.</summary>
    public RedisKey AuditHead => $"{Prefix}:audit-head";

    public static RedisKey Studies => "fedgan:privacy:studies";
}
