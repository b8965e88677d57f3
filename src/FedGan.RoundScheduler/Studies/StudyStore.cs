using System.Text.Json;
using FedGan.Contracts;
using StackExchange.Redis;

namespace FedGan.RoundScheduler.Studies;

/// <summary>Studies and rounds in Redis, with create-once and compare-and-set writes.</summary>
public sealed class StudyStore(IConnectionMultiplexer redis)
{
    private IDatabase Database => redis.GetDatabase();

    public async Task<StoredStudy?> GetStudyAsync(string studyId) =>
        Read<StoredStudy>(await Database.StringGetAsync(SchedulerKeys.Study(studyId)));

    public async Task<IReadOnlyList<string>> StudyIdsAsync() =>
        (await Database.SetMembersAsync(SchedulerKeys.Studies)).Select(id => id.ToString()).Order(StringComparer.Ordinal).ToList();

    public async Task<IReadOnlyList<string>> StudiesOfSiteAsync(string siteId) =>
        (await Database.SetMembersAsync(SchedulerKeys.SiteStudies(siteId))).Select(id => id.ToString()).ToList();

    /// <returns>False when a study with this id already exists.</returns>
    public async Task<bool> TryCreateStudyAsync(StoredStudy study)
    {
        var studyId = study.Definition.StudyId;
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists(SchedulerKeys.Study(studyId)));
        _ = transaction.StringSetAsync(SchedulerKeys.Study(studyId), Write(study));
        _ = transaction.SetAddAsync(SchedulerKeys.Studies, studyId);
        foreach (var site in study.Definition.Sites)
        {
            _ = transaction.SetAddAsync(SchedulerKeys.SiteStudies(site), studyId);
        }

        return await transaction.ExecuteAsync();
    }

    public Task<bool> TryReplaceStudyAsync(StoredStudy expected, StoredStudy next) =>
        CompareAndSetAsync(SchedulerKeys.Study(expected.Definition.StudyId), Write(expected), Write(next));

    public async Task<RoundRecord?> GetRoundAsync(string studyId, int round) =>
        Read<RoundRecord>(await Database.StringGetAsync(SchedulerKeys.Round(studyId, round)));

    public async Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string studyId, int upTo)
    {
        var keys = Enumerable.Range(1, Math.Max(0, upTo)).Select(r => SchedulerKeys.Round(studyId, r)).ToArray();
        var values = keys.Length == 0 ? [] : await Database.StringGetAsync(keys);
        return values.Select(Read<RoundRecord>).OfType<RoundRecord>().ToList();
    }

    /// <returns>The stored round: <paramref name="round"/> if it was new, else the one already there.</returns>
    public async Task<RoundRecord> CreateRoundOnceAsync(RoundRecord round)
    {
        var key = SchedulerKeys.Round(round.StudyId, round.Round);
        return await Database.StringSetAsync(key, Write(round), when: When.NotExists)
            ? round
            : Read<RoundRecord>(await Database.StringGetAsync(key))!;
    }

    public Task<bool> TryReplaceRoundAsync(RoundRecord expected, RoundRecord next) =>
        CompareAndSetAsync(SchedulerKeys.Round(expected.StudyId, expected.Round), Write(expected), Write(next));

    private async Task<bool> CompareAndSetAsync(RedisKey key, string expected, string next)
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(key, expected));
        _ = transaction.StringSetAsync(key, next);
        return await transaction.ExecuteAsync();
    }

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, ContractJson.Options);

    private static T? Read<T>(RedisValue value) where T : class =>
        value.HasValue ? JsonSerializer.Deserialize<T>(value.ToString(), ContractJson.Options) : null;
}
