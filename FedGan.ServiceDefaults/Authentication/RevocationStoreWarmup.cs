using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>
/// Connects the revocation check's Redis while the service starts: created lazily by the first burst
/// of requests, the synchronous connect would stall the small thread pool and time out other calls.
/// </summary>
internal sealed class RevocationStoreWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        // Connecting does not fail when Redis is down (abortConnect=false); it keeps retrying.
        Task.Run(() => services.GetRequiredService<CredentialRevocations>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
