using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace FedGan.ModelRegistry.Apis;

/// <summary>
/// Blob storage unreachable or failing becomes 503 with code <c>unavailable</c> and Retry-After,
/// not a 500: the request was fine, and edge trainers and the aggregator should try again.
/// </summary>
internal sealed class StorageOutageHandler(IProblemDetailsService problemDetails, ILogger<StorageOutageHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception))
        {
            return false;
        }

        logger.LogWarning(exception, "Blob storage failed during {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string code = "unavailable";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Try again.",
                Detail = $"The registry's blob storage is unavailable; retry in {RetryAfterSeconds} seconds.",
                Type = ApiProblem.TypeFor(code),
                Extensions = { [ApiProblem.CodeKey] = code },
            },
        });
    }

    // The storage client wraps its last failures in an AggregateException once its retries run out.
    private static bool IsOutage(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or >= 500,
        HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsOutage),
        _ => false,
    };
}
