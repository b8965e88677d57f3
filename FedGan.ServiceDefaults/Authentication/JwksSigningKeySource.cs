using FedGan.Contracts.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>
/// Identity's published keys (JWKS), fetched through service discovery and cached. Read again every
/// <see cref="Microsoft.Extensions.Hosting.FedGanAuthenticationOptions.KeyRefreshInterval"/>, and at
/// once (throttled) when a token names a key id not seen yet: that is how a key rotation reaches
/// every service without a restart.
/// </summary>
internal sealed class JwksSigningKeySource(
    IHttpClientFactory httpClients,
    IOptions<Microsoft.Extensions.Hosting.FedGanAuthenticationOptions> options,
    TimeProvider time,
    ILogger<JwksSigningKeySource> logger) : Microsoft.Extensions.Hosting.IIssuerSigningKeySource
{
    public const string HttpClientName = "fedgan-jwks";

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public IReadOnlyList<SecurityKey> Current => _keys;

    public async ValueTask EnsureKeyAsync(string? keyId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (IsFresh(settings.KeyRefreshInterval) && (keyId is null || Knows(keyId)))
        {
            return;
        }

        await _fetch.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            var stale = !IsFresh(settings.KeyRefreshInterval);
            if (!stale && (keyId is null || Knows(keyId)))
            {
                return;
            }

            if (!stale)
            {
                // An unknown key id on fresh keys: wait out the throttle rather than refuse a token
                // that a just-rotated key signed.
                var wait = _fetchedAt + settings.UnknownKeyRefreshInterval - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            await FetchAsync(settings, cancellationToken);
        }
        finally
        {
            _fetch.Release();
        }
    }

    private bool IsFresh(TimeSpan refreshInterval) => time.GetUtcNow() - _fetchedAt < refreshInterval;

    private bool Knows(string keyId) => _keys.Any(key => string.Equals(key.KeyId, keyId, StringComparison.Ordinal));

    private async Task FetchAsync(Microsoft.Extensions.Hosting.FedGanAuthenticationOptions settings, CancellationToken cancellationToken)
    {
        var address = new Uri(new Uri(settings.Authority.TrimEnd('/') + "/"), TokenConventions.JwksPath.TrimStart('/'));
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            var json = await client.GetStringAsync(address, cancellationToken);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            _keys = [.. keys];
            _fetchedAt = time.GetUtcNow();
            logger.LogDebug("Read {KeyCount} signing keys from {Address}", keys.Count, address);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Keep the keys we have: a short Identity outage must not stop valid tokens from working.
            // Try again a few seconds later rather than on every request.
            _fetchedAt = time.GetUtcNow() - settings.KeyRefreshInterval + RetryAfterFailure;
            logger.LogWarning(ex, "Could not read the signing keys from {Address}; keeping {KeyCount} known keys", address, _keys.Count);
        }
    }
}
