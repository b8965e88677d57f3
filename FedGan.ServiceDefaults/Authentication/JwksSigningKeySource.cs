using FedGan.Contracts.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>
/// Identity's published keys (JWKS), fetched through service discovery and cached. Read again every
/// <see cref="FedGanAuthenticationOptions.KeyRefreshInterval"/>, and at
/// once (throttled) when a token names a key id not seen yet: that is how a key rotation reaches
/// every service without a restart.
/// </summary>
internal sealed class JwksSigningKeySource(
    IHttpClientFactory httpClients,
    IOptions<FedGanAuthenticationOptions> options,
    TimeProvider time,
    ILogger<JwksSigningKeySource> logger) : IIssuerSigningKeySource
{
    public const string HttpClientName = "fedgan-jwks";

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    // Ticks (UTC) so that readers outside the lock never see a torn value.
    private long _fetchedAtTicks = DateTimeOffset.MinValue.UtcTicks;
    private int _refreshing;

    public IReadOnlyList<SecurityKey> Current => _keys;

    public async ValueTask EnsureKeyAsync(string? keyId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (keyId is not null && Knows(keyId))
        {
            // A known key: answer now; if the set is due for its periodic re-read, do it off the request path.
            if (!IsFresh(settings.KeyRefreshInterval))
            {
                StartBackgroundRefresh(settings);
            }

            return;
        }

        if (keyId is null && _keys.Count > 0)
        {
            return;
        }

        await _fetch.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            if (keyId is not null && Knows(keyId))
            {
                return;
            }

            // An unknown key id: wait out the throttle rather than refuse a token that a just-rotated
            // key signed.
            var wait = FetchedAt + settings.UnknownKeyRefreshInterval - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            await FetchAsync(settings, cancellationToken);
        }
        finally
        {
            _fetch.Release();
        }
    }

    private void StartBackgroundRefresh(FedGanAuthenticationOptions settings)
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await _fetch.WaitAsync();
                try
                {
                    if (!IsFresh(settings.KeyRefreshInterval))
                    {
                        await FetchAsync(settings, CancellationToken.None);
                    }
                }
                finally
                {
                    _fetch.Release();
                }
            }
            finally
            {
                Interlocked.Exchange(ref _refreshing, 0);
            }
        });
    }

    private DateTimeOffset FetchedAt
    {
        get => new(Interlocked.Read(ref _fetchedAtTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _fetchedAtTicks, value.UtcTicks);
    }

    private bool IsFresh(TimeSpan refreshInterval) => time.GetUtcNow() - FetchedAt < refreshInterval;

    private bool Knows(string keyId) => _keys.Any(key => string.Equals(key.KeyId, keyId, StringComparison.Ordinal));

    private async Task FetchAsync(FedGanAuthenticationOptions settings, CancellationToken cancellationToken)
    {
        var address = new Uri(new Uri(settings.Authority.TrimEnd('/') + "/"), TokenConventions.JwksPath.TrimStart('/'));
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            var json = await client.GetStringAsync(address, cancellationToken);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            _keys = [.. keys];
            FetchedAt = time.GetUtcNow();
            logger.LogDebug("Read {KeyCount} signing keys from {Address}", keys.Count, address);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Keep the keys we have: a short Identity outage must not stop valid tokens from working.
            // Try again a few seconds later rather than on every request.
            FetchedAt = time.GetUtcNow() - settings.KeyRefreshInterval + RetryAfterFailure;
            logger.LogWarning(ex, "Could not read the signing keys from {Address}; keeping {KeyCount} known keys", address, _keys.Count);
        }
    }
}
