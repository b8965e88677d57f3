using System.Globalization;
using FedGan.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace FedGan.Gateway.Edge;

/// <summary>
/// Per-route request body caps. A declared Content-Length over the cap is refused with 413 before a
/// byte of the body is read; a chunked body is cut off by the server when it passes the cap.
/// </summary>
public sealed class RequestBodyLimits(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var routeId = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId;
        var limit = options.Value.MaxRequestBodyBytes(routeId);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            await ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, AccessErrorCodes.PayloadTooLarge, "The request body is too large.",
                string.Create(CultureInfo.InvariantCulture, $"This route accepts at most {limit} bytes; the request declares {context.Request.ContentLength}."))
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
