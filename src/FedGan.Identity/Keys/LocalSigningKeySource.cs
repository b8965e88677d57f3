using Microsoft.IdentityModel.Tokens;

namespace FedGan.Identity.Keys;

/// <summary>Identity checks tokens on its own API against its key ring in Redis rather than over HTTP.</summary>
public sealed class LocalSigningKeySource(SigningKeyRing ring, TimeProvider time) : IIssuerSigningKeySource
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public IReadOnlyList<SecurityKey> Current => _keys;

    public async ValueTask EnsureKeyAsync(string? keyId, CancellationToken cancellationToken)
    {
        var known = keyId is null || _keys.Any(key => key.KeyId == keyId);
        if (known && time.GetUtcNow() - _readAt < MaxAge)
        {
            return;
        }

        _keys = [.. (await ring.PublishedAsync()).Select(SigningKeyRing.ToPublicSecurityKey)];
        _readAt = time.GetUtcNow();
    }
}
