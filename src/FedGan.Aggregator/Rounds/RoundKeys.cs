using StackExchange.Redis;

namespace FedGan.Aggregator.Rounds;

/// <summary>
/// Redis keys of one study's rounds. The study id is the hash tag, so the round and its receipts
/// (which one script touches together) share a slot on a Redis Cluster too.
/// </summary>
public readonly record struct RoundKeys(string StudyId, int Round)
{
    private string Prefix => $"fedgan:aggregator:{{{StudyId}}}";

    /// <summary>Hash: registration (canonical JSON), deadline_ms, closed_at_ms once closed.</summary>
    public RedisKey State => $"{Prefix}:round:{Round}";

    /// <summary>Hash: site id to its staged update's JSON.</summary>
    public RedisKey Receipts => $"{Prefix}:round:{Round}:receipts";

    /// <summary>The model's tensors (version 0's), as JSON, shared by every round of the study.</summary>
    public static RedisKey Model(string studyId) => $"fedgan:aggregator:{{{studyId}}}:model";

    public const string RegistrationField = "registration";
    public const string DeadlineField = "deadline_ms";
    public const string ClosedAtField = "closed_at_ms";
}
