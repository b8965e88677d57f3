using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using Microsoft.Extensions.Caching.Memory;

namespace FedGan.ModelRegistry.Access;

/// <summary>
/// Which sites take part in a study, as the scheduler defines it. Cached briefly: the list only
/// changes when a study is created, and every weights download by a site asks.
/// </summary>
public sealed class StudyEnrollment(HttpClient scheduler, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<bool> IsEnrolledAsync(string studyId, string siteId, CancellationToken cancellationToken)
    {
        var sites = await cache.GetOrCreateAsync($"enrollment:{studyId}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            using var response = await scheduler.GetAsync($"/studies/{Uri.EscapeDataString(studyId)}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (IReadOnlyList<string>)[];
            }

            response.EnsureSuccessStatusCode();
            var study = await response.Content.ReadFromJsonAsync<StudySummary>(ContractJson.Options, cancellationToken);
            return study?.Definition.Sites ?? [];
        });
        return sites!.Contains(siteId, StringComparer.Ordinal);
    }
}
