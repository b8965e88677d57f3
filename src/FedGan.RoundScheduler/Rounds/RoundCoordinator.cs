using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>
/// Drives every active study's rounds, once a second. Runs in every replica; after a restart it picks
/// up each study in whatever state Redis holds.
/// </summary>
public sealed class RoundCoordinator(IServiceProvider services, ILogger<RoundCoordinator> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        do
        {
            try
            {
                await AdvanceAllAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A store or a service being down is retried on the next tick.
                logger.LogWarning(ex, "Could not advance the studies' rounds; retrying");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task AdvanceAllAsync(CancellationToken cancellationToken)
    {
        // The lifecycle's HTTP clients are per scope: one scope per tick.
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StudyStore>();
        var lease = scope.ServiceProvider.GetRequiredService<StudyLease>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<RoundLifecycle>();
        foreach (var studyId in await store.StudyIdsAsync())
        {
            if (await store.GetStudyAsync(studyId) is not { Status: StudyStatus.Active } || !await lease.TryHoldAsync(studyId))
            {
                continue;
            }

            try
            {
                await lifecycle.AdvanceAsync(studyId, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not advance study {StudyId}; retrying", studyId);
            }
        }
    }
}
