using FedGan.Contracts;
using FedGan.Contracts.Identity;
using FedGan.Identity.Clients;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Identity.Apis;

/// <summary>Coordinators enroll sites, operators and services, rotate and revoke their secrets.</summary>
public static class ClientsApi
{
    private const int MaxDisplayNameLength = 200;

    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/clients").WithTags("Clients").RequireAuthorization(FedGanPolicies.Coordinator);

        api.MapPost("/", Enroll)
            .WithName("EnrollClient")
            .WithSummary("Enroll a client (a site's client id is its site id). The response holds its secret: shown this once only.");
        api.MapGet("/", List)
            .WithName("ListClients")
            .WithSummary("Every enrolled client with its role and active credentials (never secrets), optionally of one role.");
        api.MapGet("/{clientId}", Get)
            .WithName("GetClient")
            .WithSummary("One client with its role and active credentials.");
        api.MapPost("/{clientId}/secrets", AddSecret)
            .WithName("AddClientSecret")
            .WithSummary("Rotation, step 1: a second active secret (shown once). Deploy it, then revoke the old one.");
        api.MapDelete("/{clientId}/secrets/{credentialId}", RevokeSecret)
            .WithName("RevokeClientSecret")
            .WithSummary("Revoke one secret: tokens obtained with it stop working at once.");
        api.MapDelete("/{clientId}", RevokeClient)
            .WithName("RevokeClient")
            .WithSummary("Remove a client and revoke all its secrets: its tokens stop working at once.");
        return app;
    }

    public static async Task<Results<Created<IssuedSecret>, ProblemHttpResult>> Enroll(EnrollClientRequest request, HttpContext http, [AsParameters] IdentityServices services)
    {
        if (!ResourceIds.IsValid(request.ClientId))
        {
            return ApiProblem.Validation(IdentityErrorCodes.InvalidClientId, $"client_id '{request.ClientId}' is not valid: {ResourceIds.Description}.");
        }

        if (request.Role is null || !Enrollment.KnownRoles.Contains(request.Role))
        {
            return ApiProblem.Validation(IdentityErrorCodes.InvalidRole, $"role must be one of: {string.Join(", ", Enrollment.KnownRoles)}.");
        }

        if (request.DisplayName is { Length: > MaxDisplayNameLength })
        {
            return ApiProblem.Validation("invalid_request", $"display_name is longer than {MaxDisplayNameLength} characters.");
        }

        var outcome = await services.Enrollment.EnrollAsync(request.ClientId!, request.Role, request.DisplayName);
        http.Response.Headers.CacheControl = "no-store";
        return outcome.Error is { } error ? Problem(error) : TypedResults.Created($"/clients/{request.ClientId}", outcome.Value);
    }

    public static async Task<Results<Ok<IReadOnlyList<ClientSummary>>, ProblemHttpResult>> List(string? role, [AsParameters] IdentityServices services)
    {
        if (role is not null && !Enrollment.KnownRoles.Contains(role))
        {
            return ApiProblem.Validation(IdentityErrorCodes.InvalidRole, $"role must be one of: {string.Join(", ", Enrollment.KnownRoles)}.");
        }

        var clients = await services.Clients.ListAsync();
        return TypedResults.Ok<IReadOnlyList<ClientSummary>>([.. clients.Where(c => role is null || c.Role == role).Select(Enrollment.Summarize)]);
    }

    public static async Task<Results<Ok<ClientSummary>, ProblemHttpResult>> Get(string clientId, [AsParameters] IdentityServices services) =>
        await services.Clients.GetAsync(clientId) is { } client
            ? TypedResults.Ok(Enrollment.Summarize(client))
            : ApiProblem.NotFound(IdentityErrorCodes.ClientNotFound, $"No client '{clientId}' is enrolled.");

    public static async Task<Results<Created<IssuedSecret>, ProblemHttpResult>> AddSecret(string clientId, HttpContext http, [AsParameters] IdentityServices services)
    {
        var outcome = await services.Enrollment.AddSecretAsync(clientId);
        http.Response.Headers.CacheControl = "no-store";
        return outcome.Error is { } error ? Problem(error) : TypedResults.Created($"/clients/{clientId}", outcome.Value);
    }

    public static async Task<Results<Ok<RevocationResult>, ProblemHttpResult>> RevokeSecret(string clientId, string credentialId, [AsParameters] IdentityServices services)
    {
        var outcome = await services.Enrollment.RevokeSecretAsync(clientId, credentialId);
        return outcome.Error is { } error ? Problem(error) : TypedResults.Ok(outcome.Value);
    }

    public static async Task<Results<Ok<RevocationResult>, ProblemHttpResult>> RevokeClient(string clientId, [AsParameters] IdentityServices services)
    {
        var outcome = await services.Enrollment.RevokeClientAsync(clientId);
        return outcome.Error is { } error ? Problem(error) : TypedResults.Ok(outcome.Value);
    }

    private static ProblemHttpResult Problem(EnrollmentError error) => ApiProblem.Create(error.Status, error.Code, error.Status switch
    {
        StatusCodes.Status404NotFound => "Not found.",
        _ => "The request conflicts with the current state.",
    }, error.Detail);
}
