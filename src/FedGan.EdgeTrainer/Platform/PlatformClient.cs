using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;

namespace FedGan.EdgeTrainer.Platform;

/// <summary>An upload the platform refused for good (late, not admitted, invalid): retrying cannot help.</summary>
public sealed class UploadRefusedException(HttpStatusCode status, string? code, string? detail)
    : Exception($"The platform refused the update ({(int)status} {code}): {detail}")
{
    public string? Code { get; } = code;
}

/// <summary>
/// The edge trainer's outbound calls, all through the gateway: poll a task, decline it, download
/// weights, upload an update. Nothing here ever carries images or per-patient data.
/// </summary>
public sealed class PlatformClient(HttpClient http)
{
    public async Task<TrainingTask?> WaitForTaskAsync(string siteId, int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/scheduler/sites/{siteId}/tasks?wait={waitSeconds}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TrainingTask>(ContractJson.Options, cancellationToken);
    }

    /// <summary>Confirms with the scheduler that the round is still open before spending hours on it.</summary>
    public async Task<RoundInfo?> GetRoundAsync(string studyId, int round, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<RoundInfo>($"/scheduler/studies/{studyId}/rounds/{round}", ContractJson.Options, cancellationToken);

    /// <summary>What the platform's ledger says this site has spent (the local ledger is checked too).</summary>
    public async Task<double?> GetPlatformEpsilonAsync(string studyId, string siteId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/privacy/studies/{studyId}/sites/{siteId}/spending", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var spending = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(cancellationToken);
        return (double?)spending?["epsilon_committed_and_reserved"];
    }

    /// <summary>Streams the version's weights to <paramref name="path"/> and checks their SHA-256.</summary>
    public async Task DownloadWeightsAsync(string studyId, int version, string expectedSha256, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/registry/studies/{studyId}/versions/{version}/weights",
            HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var temporary = path + ".download";
        string actual;
        await using (var file = File.Create(temporary))
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        if (actual != expectedSha256)
        {
            File.Delete(temporary);
            throw new InvalidDataException($"Version {version} of study {studyId} arrived with SHA-256 {actual}, not the {expectedSha256} the task named.");
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Tells the scheduler this site declines the round (not approved, or not on these terms).
    /// Transient failures throw, so the caller retries; a refusal for good (the round closed meanwhile) is returned.
    /// </summary>
    /// <returns>Null when the decline was recorded; otherwise the platform's problem code.</returns>
    public async Task<string?> DeclineRoundAsync(string siteId, string studyId, int round, RoundDecline decline, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"/scheduler/sites/{siteId}/tasks/{studyId}/rounds/{round}/decline",
            decline, ContractJson.Options, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            return (string?)problem?["code"] ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.EnsureSuccessStatusCode();
        return null;
    }

    /// <returns>The aggregator's receipt as JSON.</returns>
    public async Task<string> UploadUpdateAsync(string studyId, int round, string siteId, string updatePath, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(updatePath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new("application/octet-stream");
        content.Headers.ContentLength = file.Length;
        using var response = await http.PutAsync($"/aggregator/studies/{studyId}/rounds/{round}/updates/{siteId}", content, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }

        if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            throw new UploadRefusedException(response.StatusCode, (string?)problem?["code"], (string?)problem?["detail"]);
        }

        response.EnsureSuccessStatusCode();
        return string.Empty;
    }

    private static async Task<System.Text.Json.Nodes.JsonObject?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
