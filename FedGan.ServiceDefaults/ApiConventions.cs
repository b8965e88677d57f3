using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The wire conventions every FedGan API shares: snake_case JSON (what Python clients expect),
/// and RFC 9457 problem details that always carry a stable machine-readable <c>code</c>.
/// </summary>
public static class ApiConventions
{
    public static TBuilder AddApiConventions<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        // Unreadable bodies and parameters always raise BadHttpRequestException (not only in
        // Development), so that BadRequestProblemHandler can say what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblemHandler>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey(ApiProblem.CodeKey))
            {
                problem.Extensions[ApiProblem.CodeKey] = ApiProblem.CodeForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
            }

            problem.Type ??= ApiProblem.TypeFor((string)problem.Extensions[ApiProblem.CodeKey]!);
        });
        return builder;
    }

    /// <summary>Unhandled errors and bare status codes (404, 405, 415 ...) become problem details too.</summary>
    public static WebApplication UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
