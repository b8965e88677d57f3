using StackExchange.Redis;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>
/// Which replica drives a study right now. Only an optimisation: transitions are compare-and-set,
/// so two drivers at once stay correct; the lease just keeps them from doing the same work twice.
/// </summary>
public sealed class StudyLease(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<bool> TryHoldAsync(string studyId)
    {
        var database = redis.GetDatabase();
        var key = SchedulerKeys.Lease(studyId);
        if (await database.StringSetAsync(key, _holder, Duration, When.NotExists))
        {
            return true;
        }

        return await database.StringGetAsync(key) == _holder && await database.KeyExpireAsync(key, Duration);
    }
}
