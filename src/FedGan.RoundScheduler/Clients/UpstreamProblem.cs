using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.RoundScheduler.Clients;

/// <summary>A call to another FedGan service that failed, with the problem code it answered.</summary>
public sealed class UpstreamProblemException(string service, int status, string? code, string? detail)
    : Exception($"The {service} answered {status} {code}: {detail}")
{
    public int Status { get; } = status;

    public string? Code { get; } = code;
}

internal static class UpstreamProblem
{
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string service, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        JsonObject? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            // Not a problem-details body: the status says enough.
        }

        throw new UpstreamProblemException(service, (int)response.StatusCode, (string?)problem?["code"], (string?)problem?["detail"]);
    }
}
