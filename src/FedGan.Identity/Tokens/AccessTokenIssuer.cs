using FedGan.Contracts;
using FedGan.Contracts.Identity;
using FedGan.Identity.Clients;
using FedGan.Identity.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FedGan.Identity.Tokens;

/// <summary>
/// Issues short-lived ES256 access tokens (RFC 9068 shape) with Microsoft.IdentityModel: the client,
/// its role and site, and the credential used, so revoking that credential voids the token.
/// </summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<IdentityOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<TokenResponse> IssueAsync(ClientRecord client, CredentialRecord credential)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = client.ClientId,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [FedGanClaims.ClientId] = client.ClientId,
            [FedGanClaims.Role] = client.Role,
            [FedGanClaims.CredentialId] = credential.CredentialId,
        };
        if (client.SiteId is not null)
        {
            claims[FedGanClaims.SiteId] = client.SiteId;
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            Claims = claims,
            TokenType = TokenConventions.TokenType,
            SigningCredentials = new SigningCredentials(await keys.GetActiveAsync(), SecurityAlgorithms.EcdsaSha256),
        });
        return new TokenResponse(token, "Bearer", (int)settings.TokenLifetime.TotalSeconds);
    }
}
