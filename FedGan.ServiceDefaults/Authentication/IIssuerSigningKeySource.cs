using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

/// <summary>The keys tokens may be signed with, as this process knows them.</summary>
public interface IIssuerSigningKeySource
{
    /// <summary>The keys known now (read synchronously while a token is validated).</summary>
    IReadOnlyList<SecurityKey> Current { get; }

    /// <summary>
    /// Makes <see cref="Current"/> include <paramref name="keyId"/> if the issuer publishes it: reads the
    /// keys again when the id is unknown (so a rotated key needs no restart), at most as often as allowed.
    /// </summary>
    ValueTask EnsureKeyAsync(string? keyId, CancellationToken cancellationToken);
}
