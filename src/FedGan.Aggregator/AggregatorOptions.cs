using System.ComponentModel.DataAnnotations;

namespace FedGan.Aggregator;

/// <summary>The "Aggregator" configuration section.</summary>
public sealed class AggregatorOptions
{
    /// <summary>Where the ModelRegistry is, by service-discovery name unless a test points elsewhere.</summary>
    [Required]
    public string ModelRegistryUrl { get; set; } = "https+http://modelregistry";

    /// <summary>The blob container staged updates and optimizer states live in.</summary>
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string Container { get; set; } = "aggregator";

    /// <summary>
    /// Keys the server-noise generator (at least 16 bytes of UTF-8). Without it rounds that ask for
    /// server noise are refused at registration: noise from a guessable seed could be subtracted.
    /// </summary>
    public string? ServerNoiseSecret { get; set; }

    /// <summary>Aggregations run at once in this process; each holds a model-sized double buffer.</summary>
    [Range(1, 64)]
    public int MaxConcurrentAggregations { get; set; } = 1;

    public byte[]? ServerNoiseKey =>
        string.IsNullOrEmpty(ServerNoiseSecret) ? null : System.Text.Encoding.UTF8.GetBytes(ServerNoiseSecret);
}
