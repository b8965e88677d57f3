using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.Extensions.Hosting;

/// <summary>Builds problem-details results whose <c>code</c> clients can switch on.</summary>
public static class ApiProblem
{
    public const string CodeKey = "code";

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var all = new Dictionary<string, object?> { [CodeKey] = code };
        foreach (var (key, value) in extensions ?? [])
        {
            all[key] = value;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeFor(code), extensions: all);
    }

    public static ProblemHttpResult Validation(string code, string detail) =>
        Create(StatusCodes.Status400BadRequest, code, "The request is not valid.", detail);

    public static ProblemHttpResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "Not found.", detail);

    public static ProblemHttpResult Conflict(string code, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, "The request conflicts with the current state.", detail, extensions);

    public static string TypeFor(string code) => $"https://fedgan.dev/errors/{code}";

    /// <summary>The code of a problem raised by the framework rather than by FedGan's own handlers.</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };
}
