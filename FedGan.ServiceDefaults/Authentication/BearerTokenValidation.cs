using FedGan.Contracts;
using FedGan.Contracts.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>What makes a bearer token valid here, and how refusals are answered.</summary>
internal static class BearerTokenValidation
{
    private const string RevocationUnavailable = "fedgan.revocation-unavailable";

    public static void Configure(JwtBearerOptions jwt, FedGanAuthenticationOptions fedgan, IIssuerSigningKeySource keys)
    {
        // Keep the token's claim names (role, site_id, sub) instead of mapping them to XML URIs.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = fedgan.Issuer,
            ValidAudience = fedgan.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            // One algorithm and one token type: no "alg": "none", no HMAC-with-the-public-key confusion.
            ValidAlgorithms = [TokenConventions.SigningAlgorithm],
            ValidTypes = [TokenConventions.TokenType],
            ClockSkew = fedgan.ClockSkew,
            RoleClaimType = FedGanClaims.Role,
            NameClaimType = JwtRegisteredClaimNames.Sub,
            IssuerSigningKeyResolver = (_, _, _, _) => keys.Current,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context => EnsureSigningKeyAsync(context, keys),
            OnTokenValidated = CheckRevocationAsync,
            OnChallenge = ChallengeAsync,
            OnForbidden = context => AccessProblems.WriteForbiddenAsync(context.HttpContext),
        };
    }

    private static async Task EnsureSigningKeyAsync(MessageReceivedContext context, IIssuerSigningKeySource keys)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string? keyId;
        try
        {
            keyId = new JsonWebToken(header["Bearer ".Length..].Trim()).Kid;
        }
        catch (ArgumentException)
        {
            return; // Not a JWT at all: validation will say so.
        }

        await keys.EnsureKeyAsync(keyId, context.HttpContext.RequestAborted);
    }

    private static async Task CheckRevocationAsync(TokenValidatedContext context)
    {
        var credentialId = context.Principal?.FindFirst(FedGanClaims.CredentialId)?.Value;
        if (string.IsNullOrEmpty(credentialId))
        {
            context.Fail("The token names no credential.");
            return;
        }

        try
        {
            var revocations = context.HttpContext.RequestServices.GetRequiredService<CredentialRevocations>();
            if (await revocations.IsRevokedAsync(credentialId))
            {
                context.Fail(new SecurityTokenRevokedException("The credential this token was obtained with was revoked."));
            }
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or ObjectDisposedException)
        {
            // Fail closed, but say it is our outage (503), not the caller's token (401).
            context.HttpContext.Items[RevocationUnavailable] = true;
            context.Fail("The revocation list is unavailable.");
        }
    }

    private static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.HttpContext.Items.ContainsKey(RevocationUnavailable))
        {
            return AccessProblems.WriteRevocationCheckUnavailableAsync(context.HttpContext);
        }

        var (detail, tokenError) = context.AuthenticateFailure switch
        {
            null => ("A bearer token from FedGan Identity is required.", (string?)null),
            SecurityTokenExpiredException => ("The token has expired.", "The token expired"),
            SecurityTokenRevokedException => ("The token's credential was revoked.", "The credential was revoked"),
            SecurityTokenInvalidAudienceException => ("The token is not meant for FedGan.", "The audience is invalid"),
            SecurityTokenInvalidIssuerException => ("The token was not issued by FedGan Identity.", "The issuer is invalid"),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                ("The token's signature does not verify with any of Identity's keys.", "The signature is invalid"),
            _ => ("The token is not valid.", "The token is invalid"),
        };
        return AccessProblems.WriteUnauthenticatedAsync(context.HttpContext, detail, tokenError);
    }
}

/// <summary>A token whose credential Identity has revoked: well signed, unexpired, and void.</summary>
internal sealed class SecurityTokenRevokedException(string message) : SecurityTokenValidationException(message);
