using Microsoft.AspNetCore.Http.HttpResults;
using FedGan.Contracts.Identity;
using FedGan.Identity.Keys;
using Microsoft.Extensions.Options;

namespace FedGan.Identity.Apis;

/// <summary>The discovery document (OpenID Connect Discovery 1.0 fields that apply) for the client-credentials server.</summary>
public sealed record DiscoveryDocument(
    string Issuer, string JwksUri, string TokenEndpoint, IReadOnlyList<string> GrantTypesSupported,
    IReadOnlyList<string> TokenEndpointAuthMethodsSupported, IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
    IReadOnlyList<string> ResponseTypesSupported, IReadOnlyList<string> SubjectTypesSupported);

public static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/.well-known").WithTags("Discovery").AllowAnonymous();

        api.MapGet("/jwks.json", GetKeys)
            .WithName("GetJsonWebKeySet")
            .WithSummary("The public keys that may have signed a live token: the active key and not yet retired ones.");
        api.MapGet("/openid-configuration", GetDiscoveryDocument)
            .WithName("GetDiscoveryDocument")
            .WithSummary("Issuer, token endpoint and JWKS address.");
        return app;
    }

    public static async Task<Ok<JsonWebKeySetDocument>> GetKeys(HttpContext http, SigningKeyRing keys)
    {
        // Short: services re-read the set anyway when they meet an unknown key id.
        http.Response.Headers.CacheControl = "public, max-age=60";
        var published = await keys.PublishedAsync();
        if (published.Count == 0)
        {
            await keys.GetActiveAsync();
            published = await keys.PublishedAsync();
        }

        return TypedResults.Ok(new JsonWebKeySetDocument([.. published.Select(SigningKeyRing.ToPublicJwk)]));
    }

    public static Ok<DiscoveryDocument> GetDiscoveryDocument(HttpContext http, IOptions<IdentityOptions> options)
    {
        var baseAddress = PublicBaseAddress(http.Request);
        return TypedResults.Ok(new DiscoveryDocument(
            options.Value.Issuer,
            baseAddress + TokenConventions.JwksPath,
            baseAddress + TokenConventions.TokenPath,
            ["client_credentials"],
            ["client_secret_basic", "client_secret_post"],
            [TokenConventions.SigningAlgorithm],
            ["token"],
            ["public"]));
    }

    /// <summary>The address callers reached us at: through the gateway that is its host and the /identity prefix.</summary>
    private static string PublicBaseAddress(HttpRequest request)
    {
        var scheme = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        var prefix = First(request.Headers["X-Forwarded-Prefix"]) ?? string.Empty;
        return $"{scheme}://{host}{prefix.TrimEnd('/')}{request.PathBase}";
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values[0]?.Split(',')[0].Trim();
}
