using FedGan.Contracts.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedGan.Identity.Apis;

public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/keys/rotation", Rotate)
            .WithName("RotateSigningKey")
            .WithSummary("A new key signs from now on; the old one stays in the JWKS until its last token expired (e.g. after a suspected key leak, or to test rotation).")
            .WithTags("Keys")
            .RequireAuthorization(FedGanPolicies.Coordinator);
        return app;
    }

    public static async Task<Ok<KeyRotationResult>> Rotate([AsParameters] IdentityServices services) =>
        TypedResults.Ok(await services.Keys.RotateAsync(await services.Keys.ActiveKeyIdAsync()));
}
