using FedGan.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>The problem-details bodies of refused requests, written by the authentication handler itself.</summary>
internal static class AccessProblems
{
    public static Task WriteUnauthenticatedAsync(HttpContext context, string detail, string? tokenError)
    {
        // RFC 6750 section 3: the challenge names the scheme, and the error when a token was presented.
        context.Response.Headers.WWWAuthenticate = tokenError is null
            ? "Bearer realm=\"fedgan\""
            : $"Bearer realm=\"fedgan\", error=\"invalid_token\", error_description=\"{tokenError}\"";
        return ApiProblem.Create(StatusCodes.Status401Unauthorized, AccessErrorCodes.Unauthenticated,
            "Authentication required.", detail).ExecuteAsync(context);
    }

    public static Task WriteForbiddenAsync(HttpContext context) =>
        ApiProblem.Create(StatusCodes.Status403Forbidden, AccessErrorCodes.Forbidden, "Forbidden.",
            "The token is valid but its role may not do this.").ExecuteAsync(context);

    public static Task WriteRevocationCheckUnavailableAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, AccessErrorCodes.Unavailable, "Try again.",
            "The credential revocation list cannot be read right now; no request is let through unchecked.").ExecuteAsync(context);
    }
}
