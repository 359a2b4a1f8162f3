using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// A signed-in person who may not see something gets 404, never 403: nothing tells them
/// the thing exists (API.md, access rule).
/// </summary>
internal sealed class NotFoundForForbidden(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            if (AuthSetup.IsApiRequest(context))
            {
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = 404, Title = "Not found." },
                });
            }

            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
