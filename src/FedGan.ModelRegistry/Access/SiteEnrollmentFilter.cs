using FedGan.Contracts;

namespace FedGan.ModelRegistry.Access;

/// <summary>
/// A site reads only the models of studies it is enrolled in; to it, any other study does not
/// exist (404, as for an unknown study). Other roles passed their policy already.
/// </summary>
public sealed class SiteEnrollmentFilter(StudyEnrollment enrollment) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.IsInRole(Roles.Site))
        {
            var siteId = http.User.FindFirst(FedGanClaims.SiteId)?.Value;
            var studyId = http.Request.RouteValues["studyId"] as string;
            if (siteId is null || studyId is null || !await enrollment.IsEnrolledAsync(studyId, siteId, http.RequestAborted))
            {
                return ApiProblem.NotFound(ErrorCodes.VersionNotFound, $"There is no study '{studyId}' for this site.");
            }
        }

        return await next(context);
    }
}
