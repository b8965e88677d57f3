using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FedGan.Identity.Keys;

/// <summary>
/// Unready while this replica cannot sign with the shared active key (its encryption secret differs
/// from the replica that made it), so the Service sends token requests to replicas that can.
/// </summary>
public sealed class SigningKeyHealthCheck(SigningKeyRing keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await keys.GetActiveAsync();
            return HealthCheckResult.Healthy();
        }
        catch (SigningKeyEncryptionMismatchException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
