using StackExchange.Redis;

namespace FedGan.RoundScheduler.Studies;

/// <summary>Redis keys of the scheduler. A study's own keys share its id as hash tag (one cluster slot).</summary>
internal static class SchedulerKeys
{
    public static RedisKey Studies => "fedgan:scheduler:studies";

    public static RedisKey Study(string studyId) => $"fedgan:scheduler:{{{studyId}}}:study";

    public static RedisKey Round(string studyId, int round) => $"fedgan:scheduler:{{{studyId}}}:round:{round}";

    public static RedisKey Lease(string studyId) => $"fedgan:scheduler:{{{studyId}}}:lease";

    /// <summary>The studies a site is enrolled in: what its task polls look at.</summary>
    public static RedisKey SiteStudies(string siteId) => $"fedgan:scheduler:site:{siteId}:studies";
}
