using FedGan.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The authorization policies every service shares, by role. Any endpoint without a policy still needs
/// a valid token (the fallback policy); anonymous access is always an explicit <c>AllowAnonymous</c>.
/// </summary>
public static class FedGanPolicies
{
    /// <summary>Any valid token, whatever its role.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Coordinators only: studies, rounds, enrollment.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>Coordinators and FedGan services: the writes the platform makes while it runs rounds.</summary>
    public const string Operate = "operate";

    /// <summary>Coordinators, auditors and services: reading ledgers, spending and lineage.</summary>
    public const string Read = "read";

    /// <summary>Coordinators and auditors: the audit trail.</summary>
    public const string Audit = "audit";

    /// <summary>Edge trainers only. Combine with <c>RequireOwnSite</c> on routes that name a site.</summary>
    public const string Site = "site";

    /// <summary><see cref="Read"/> plus sites; a site is then held to its own site by <c>RequireOwnSite</c>.</summary>
    public const string ReadOrSite = "read-or-site";

    internal static void Add(AuthorizationBuilder authorization)
    {
        authorization
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Authenticated, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Coordinator, policy => policy.RequireRole(Roles.Coordinator))
            .AddPolicy(Operate, policy => policy.RequireRole(Roles.Coordinator, Roles.Service))
            .AddPolicy(Read, policy => policy.RequireRole(Roles.Coordinator, Roles.Auditor, Roles.Service))
            .AddPolicy(Audit, policy => policy.RequireRole(Roles.Coordinator, Roles.Auditor))
            .AddPolicy(Site, policy => policy.RequireRole(Roles.Site).RequireClaim(FedGanClaims.SiteId))
            .AddPolicy(ReadOrSite, policy => policy.RequireRole(Roles.Coordinator, Roles.Auditor, Roles.Service, Roles.Site));
    }
}
