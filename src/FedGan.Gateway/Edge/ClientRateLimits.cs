using System.Globalization;
using System.Threading.RateLimiting;
using FedGan.Contracts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FedGan.Gateway.Edge;

/// <summary>
/// Rate limits per client id (from the validated token), and per remote address for requests without
/// a valid token. Refusals are 429 problems with Retry-After. Health probes are never limited.
/// </summary>
public static class ClientRateLimits
{
    public static IServiceCollection AddClientRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((limiter, gateway) =>
        {
            var settings = gateway.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, settings));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, GatewayOptions settings)
    {
        if (context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)
            || context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath))
        {
            return RateLimitPartition.GetNoLimiter("probes");
        }

        var clientId = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(FedGanClaims.ClientId)?.Value : null;
        return clientId is not null
            ? RateLimitPartition.GetTokenBucketLimiter("client:" + clientId, _ => Bucket(settings.AuthenticatedRateLimit))
            : RateLimitPartition.GetTokenBucketLimiter("address:" + context.Connection.RemoteIpAddress, _ => Bucket(settings.AnonymousRateLimit));
    }

    private static TokenBucketRateLimiterOptions Bucket(TokenBucket bucket) => new()
    {
        TokenLimit = bucket.TokenLimit,
        TokensPerPeriod = bucket.TokensPerPeriod,
        ReplenishmentPeriod = bucket.ReplenishmentPeriod,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ApiProblem.Create(StatusCodes.Status429TooManyRequests, AccessErrorCodes.RateLimited, "Too many requests.",
            $"This client's request rate is over the gateway's limit; retry in {seconds} s.").ExecuteAsync(rejected.HttpContext);
    }
}
