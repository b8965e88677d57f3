using System.Net;
using System.Text;
using FedGan.Contracts.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace FedGan.Identity.Apis;

/// <summary>An OAuth 2.0 error response (RFC 6749 section 5.2).</summary>
public sealed record OAuthError(string Error, string ErrorDescription);

/// <summary>The OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 sections 2.3.1, 4.4, 5).</summary>
public static class TokenApi
{
    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(TokenConventions.TokenPath, IssueToken)
            .WithName("IssueToken")
            .WithSummary("Client-credentials grant: form-encoded grant_type=client_credentials, client id and secret by HTTP Basic or in the body.")
            .WithTags("Tokens")
            .AllowAnonymous()
            .DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthError>>> IssueToken(HttpContext http, [AsParameters] IdentityServices services)
    {
        // Tokens and errors alike must not be cached by anything in between (section 5.1).
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        if (!http.Request.HasFormContentType)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form.Any(field => field.Value.Count > 1))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "A parameter was given more than once.");
        }

        var grantType = (string?)form["grant_type"];
        if (string.IsNullOrEmpty(grantType))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "grant_type is missing.");
        }

        if (grantType != "client_credentials")
        {
            return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
        }

        var (clientId, secret, problem) = ClientCredentials(http.Request.Headers.Authorization, form);
        if (problem is not null)
        {
            return problem;
        }

        if (clientId is null || secret is null || await services.Authenticator.AuthenticateAsync(clientId, secret) is not { } authenticated)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"fedgan\"";
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client, or wrong secret.");
        }

        return TypedResults.Ok(await services.Tokens.IssueAsync(authenticated.Client, authenticated.Credential));
    }

    private static (string? ClientId, string? Secret, JsonHttpResult<OAuthError>? Problem) ClientCredentials(StringValues authorization, IFormCollection form)
    {
        var bodyId = (string?)form["client_id"];
        var bodySecret = (string?)form["client_secret"];
        var header = authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (bodyId, bodySecret, null);
        }

        if (bodySecret is not null)
        {
            return (null, null, Error(StatusCodes.Status400BadRequest, "invalid_request", "Authenticate with one method only: HTTP Basic or the body."));
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            // Section 2.3.1: both parts are form-urlencoded before they are joined.
            return colon < 0
                ? (null, null, null)
                : (WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]), null);
        }
        catch (FormatException)
        {
            return (null, null, Error(StatusCodes.Status400BadRequest, "invalid_request", "The Basic credentials are not valid base64."));
        }
    }

    private static JsonHttpResult<OAuthError> Error(int status, string error, string description) =>
        TypedResults.Json(new OAuthError(error, description), statusCode: status);
}
