using System.ComponentModel.DataAnnotations;

namespace FedGan.Gateway.Edge;

/// <summary>The <c>Gateway</c> section: what the single public entry refuses before anything reaches a service.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Per client id for requests with a valid token.</summary>
    [Required]
    public TokenBucket AuthenticatedRateLimit { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 100 };

    /// <summary>Per remote address for everything else (token requests, discovery, refused requests).</summary>
    [Required]
    public TokenBucket AnonymousRateLimit { get; set; } = new() { TokenLimit = 20, TokensPerPeriod = 5 };

    /// <summary>The largest request body on routes without their own limit.</summary>
    [Range(0, long.MaxValue)]
    public long DefaultMaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Larger (or smaller) caps by YARP route id, e.g. the aggregator's update uploads.</summary>
    public Dictionary<string, long> MaxRequestBodyBytesByRoute { get; set; } = [];

    /// <summary>Redirect HTTP to HTTPS and send HSTS. Null: on everywhere except the Development environment.</summary>
    public bool? RequireHttps { get; set; }

    public long MaxRequestBodyBytes(string? routeId) =>
        routeId is not null && MaxRequestBodyBytesByRoute.TryGetValue(routeId, out var limit) ? limit : DefaultMaxRequestBodyBytes;
}

/// <summary>A token bucket: bursts up to <see cref="TokenLimit"/>, then <see cref="TokensPerPeriod"/> per period.</summary>
public sealed class TokenBucket
{
    [Range(1, 1_000_000)]
    public int TokenLimit { get; set; }

    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; }

    [TimeSpanRange("00:00:00.010", "01:00:00")]
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
}
