namespace FedGan.EdgeTrainer;

/// <summary>Checks that the platform answers through the gateway, and says so when that changes.</summary>
public sealed class PlatformWatcher(PlatformClient platform, ILogger<PlatformWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool? reachable = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool now;
            try
            {
                var info = await platform.GetSchedulerInfoAsync(stoppingToken);
                now = info is not null;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "The platform did not answer");
                now = false;
            }

            if (now != reachable)
            {
                logger.LogInformation("Platform reachable through the gateway: {Reachable}", now);
                reachable = now;
            }

            await Task.Delay(PollInterval, stoppingToken);
        }
    }
}
