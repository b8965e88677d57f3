using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class AggregatorExtensions
{
    /// <summary>
    /// A generated secret (kept in user secrets) keying the aggregator's server-noise generator, so
    /// that studies asking for server-side DP noise can run and nobody can predict (and subtract) it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServerNoiseSecret(this IResourceBuilder<ProjectResource> aggregator)
    {
        var secret = aggregator.ApplicationBuilder.AddParameter($"{aggregator.Resource.Name}-server-noise-secret",
            new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
        return aggregator.WithEnvironment("Aggregator__ServerNoiseSecret", secret);
    }
}
