using System.Net;
using System.Net.Http.Json;
using System.Text;
using FedGan.Contracts;
using FedGan.Contracts.Identity;

namespace FedGan.Testing;

/// <summary>
/// Identity's token endpoint (client-credentials grant, RFC 6749 section 4.4) for one service client,
/// as that service's <c>AddServiceTokenHandler</c> calls it: the Basic credentials must be the
/// client's, and the answer is a service token signed by <see cref="TestTokens"/>. So the service's own
/// token source and handler run unchanged, and the other in-process services accept its calls.
/// </summary>
internal sealed class TestTokenEndpoint(TestTokens tokens, string clientId, string clientSecret) : HttpMessageHandler
{
    // Identity's default lifetime: the service renews after three quarters of it, never within a test.
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath != TokenConventions.TokenPath)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var form = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        if (form != "grant_type=client_credentials")
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request", $"Expected grant_type=client_credentials, got '{form}'.");
        }

        if (!IsThisClient(request.Headers.Authorization))
        {
            return Error(HttpStatusCode.Unauthorized, "invalid_client", "Unknown client, or wrong secret.");
        }

        var token = tokens.Issue(clientId, Roles.Service, lifetime: Lifetime);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = JsonContent.Create(new TokenResponse(token, "Bearer", (int)Lifetime.TotalSeconds), options: ContractJson.Options),
        };
    }

    private bool IsThisClient(System.Net.Http.Headers.AuthenticationHeaderValue? authorization)
    {
        if (authorization is not { Scheme: "Basic", Parameter: { } encoded })
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return false;
        }

        // RFC 6749 section 2.3.1: id and secret are form-encoded, then joined with a colon.
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && WebUtility.UrlDecode(decoded[..colon]) == clientId
            && WebUtility.UrlDecode(decoded[(colon + 1)..]) == clientSecret;
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string error, string description) =>
        new(status) { Content = JsonContent.Create(new { error, error_description = description }) };
}
