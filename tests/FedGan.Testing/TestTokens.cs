using System.Security.Cryptography;
using FedGan.Contracts;
using FedGan.Contracts.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FedGan.Testing;

/// <summary>
/// Stands in for Identity in a single service's tests: signs tokens of Identity's exact shape with a
/// key of its own, and is that service's key source. The service's token validation, policies and
/// revocation check (on the test's real Redis) all run unchanged. End-to-end tests use the real Identity.
/// </summary>
public sealed class TestTokens : IIssuerSigningKeySource
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "test-" + Guid.NewGuid().ToString("N") };

    public IReadOnlyList<SecurityKey> Current => [_key];

    public ValueTask EnsureKeyAsync(string? keyId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Replaces the service's key source with this one (call from ConfigureTestServices).</summary>
    public void Register(IServiceCollection services) => services.AddSingleton<IIssuerSigningKeySource>(this);

    /// <summary>
    /// Gives the service its own client credential, <paramref name="clientId"/>, and answers its token
    /// requests in place of Identity, with service tokens signed by this instance (call from
    /// ConfigureTestServices). The service's calls made through <c>AddServiceTokenHandler</c> then
    /// carry a token that every service registered with this instance accepts.
    /// </summary>
    public void RegisterServiceCredential(IServiceCollection services, string clientId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        services.Configure<ServiceCredentialOptions>(credential =>
        {
            credential.ClientId = clientId;
            credential.ClientSecret = secret;
            credential.TokenEndpoint = "http://identity" + TokenConventions.TokenPath;
        });
        // The client ServiceTokenSource requests tokens with (its HttpClientName).
        services.AddHttpClient("fedgan-token")
            .ConfigurePrimaryHttpMessageHandler(() => new TestTokenEndpoint(this, clientId, secret));
    }

    public string Coordinator() => Issue("test-coordinator", Roles.Coordinator);

    public string Service(string name = "test-service") => Issue(name, Roles.Service);

    public string Auditor() => Issue("test-auditor", Roles.Auditor);

    public string Site(string siteId, string? credentialId = null) => Issue(siteId, Roles.Site, siteId, credentialId);

    public string Issue(string clientId, string role, string? siteId = null, string? credentialId = null, TimeSpan? lifetime = null,
        DateTime? issuedAt = null, string audience = TokenConventions.Audience)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = clientId,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [FedGanClaims.ClientId] = clientId,
            [FedGanClaims.Role] = role,
            [FedGanClaims.CredentialId] = credentialId ?? "cred_test_" + Guid.NewGuid().ToString("N"),
        };
        if (siteId is not null)
        {
            claims[FedGanClaims.SiteId] = siteId;
        }

        var now = issuedAt ?? DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenConventions.Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = claims,
            TokenType = TokenConventions.TokenType,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
