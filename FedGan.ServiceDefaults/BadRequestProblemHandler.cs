using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request the framework could not bind (malformed JSON, a missing body, a value of the wrong
/// type) becomes a 400 problem with code <c>invalid_request</c> and the reason, not a 500.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        var code = ApiProblem.CodeForStatus(badRequest.StatusCode);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = "The request could not be read.",
                Detail = badRequest.Message,
                Type = ApiProblem.TypeFor(code),
                Extensions = { [ApiProblem.CodeKey] = code },
            },
        });
    }
}
