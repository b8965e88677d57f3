using FedGan.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>A site may act only as itself: the route's site id must be the token's <c>site_id</c>.</summary>
public static class OwnSiteFilter
{
    /// <summary>
    /// Refuses (403) a site token whose <c>site_id</c> differs from the route value
    /// <paramref name="routeParameter"/>. Other roles pass: their policy already decided.
    /// </summary>
    public static TBuilder RequireOwnSite<TBuilder>(this TBuilder builder, string routeParameter = "siteId")
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            if (user.IsInRole(Roles.Site))
            {
                var ownSite = user.FindFirst(FedGanClaims.SiteId)?.Value;
                var routeSite = context.HttpContext.Request.RouteValues[routeParameter] as string;
                if (ownSite is null || !string.Equals(ownSite, routeSite, StringComparison.Ordinal))
                {
                    return ApiProblem.Create(StatusCodes.Status403Forbidden, AccessErrorCodes.Forbidden, "Forbidden.",
                        "A site may only act as itself.");
                }
            }

            return await next(context);
        });
}
