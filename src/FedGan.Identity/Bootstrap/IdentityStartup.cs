using FedGan.Contracts;
using FedGan.Identity.Clients;
using FedGan.Identity.Keys;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FedGan.Identity.Bootstrap;

/// <summary>
/// Before Identity serves: a signing key exists and the configured bootstrap clients hold exactly
/// their configured secrets (idempotent: a restart with the same secrets changes nothing). Then,
/// while running: rotates the signing key when it is due.
/// </summary>
public sealed class IdentityStartup(Enrollment enrollment, SigningKeyRing keys, IOptions<IdentityOptions> options, ILogger<IdentityStartup> logger)
    : BackgroundService
{
    private static readonly TimeSpan RotationCheckInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Redis may still be starting: retry rather than serve without keys or bootstrap clients.
        while (true)
        {
            try
            {
                await keys.GetActiveAsync();
                await UpsertBootstrapClientsAsync();
                break;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                logger.LogWarning(ex, "Redis is not ready for Identity's bootstrap; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RotationCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RotateIfDueAsync();
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                logger.LogWarning(ex, "Could not check whether the signing key is due for rotation");
            }
        }
    }

    private async Task UpsertBootstrapClientsAsync()
    {
        foreach (var (clientId, client) in options.Value.BootstrapClients)
        {
            if (!ResourceIds.IsValid(clientId) || !Enrollment.KnownRoles.Contains(client.Role) || client.Secret.Length < MinimumSecretLength)
            {
                // Never log the secret itself.
                throw new OptionsValidationException(IdentityOptions.SectionName, typeof(IdentityOptions),
                    [$"Bootstrap client '{clientId}' needs a valid id, a role ({string.Join(", ", Enrollment.KnownRoles)}) and a secret of at least {MinimumSecretLength} characters."]);
            }

            if (await enrollment.UpsertBootstrapAsync(clientId, client.Role, client.Secret))
            {
                logger.LogInformation("Bootstrap client {ClientId} ({Role}) set to its configured secret", clientId, client.Role);
            }
        }
    }

    /// <summary>43 base62 characters carry about 256 bits.</summary>
    public const int MinimumSecretLength = 43;
}
