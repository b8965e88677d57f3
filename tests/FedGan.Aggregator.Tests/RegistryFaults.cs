namespace FedGan.Aggregator.Tests;

/// <summary>
/// What happens between the aggregator and the registry: records the weights the aggregator
/// uploads and the bearer tokens its calls carry, and can make the next publication of a study die the way a killed process's call would
/// (an abrupt I/O error, after the weights were uploaded and before the version exists).
/// </summary>
public sealed class RegistryFaults
{
    private readonly HashSet<string> _failNextPublish = [];
    private readonly List<(string Study, string Sha256)> _uploads = [];
    private readonly List<(string Study, string? Token)> _tokens = [];

    public void FailNextPublish(string study)
    {
        lock (_failNextPublish)
            _failNextPublish.Add(study);
    }

    public IReadOnlyList<string> UploadedWeights(string study)
    {
        lock (_uploads)
            return _uploads.Where(u => u.Study == study).Select(u => u.Sha256).ToList();
    }

    /// <summary>The bearer token of each call the aggregator made to the registry about <paramref name="study"/> (null: none).</summary>
    public IReadOnlyList<string?> BearerTokens(string study)
    {
        lock (_tokens)
            return _tokens.Where(t => t.Study == study).Select(t => t.Token).ToList();
    }

    /// <summary>The handler the aggregator's registry client goes through (a new one per handler chain).</summary>
    public DelegatingHandler CreateHandler() => new Interceptor(this);

    private sealed class Interceptor(RegistryFaults faults) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var segments = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var study = segments.Length > 1 ? segments[1] : string.Empty;
            lock (faults._tokens)
                faults._tokens.Add((study, request.Headers.Authorization is { Scheme: "Bearer" } bearer ? bearer.Parameter : null));
            if (request.Method == HttpMethod.Put && segments is [_, _, "versions", _])
            {
                lock (faults._failNextPublish)
                {
                    if (faults._failNextPublish.Remove(study))
                        throw new IOException("Simulated crash: the aggregator died before publishing.");
                }
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && segments is [_, _, "weights"] && response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var sha = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("sha256").GetString()!;
                lock (faults._uploads)
                    faults._uploads.Add((study, sha));
            }
            return response;
        }
    }
}
