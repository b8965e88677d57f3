using System.Net;
using System.Net.Http.Headers;

namespace FedGan.ServiceDefaults.ServiceTokens;

/// <summary>Puts this process's own bearer token on every outgoing request of the client it is added to.</summary>
internal sealed class ServiceTokenHandler(ServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            tokens.Invalidate(token);
        }

        return response;
    }
}
