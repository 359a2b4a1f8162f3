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
            await RecordRefusalAsync(context);
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

    /// <summary>
    /// A signed-in person refused by an endpoint's policy (e.g. an admin at a clinical page), or
    /// answered 404 by a use case that did not audit it itself, is audited like any other
    /// refusal: the route pattern and the first id, never a body.
    /// </summary>
    internal static Task RecordRefusalAsync(HttpContext context)
    {
        var audit = context.RequestServices.GetRequiredService<Features.Audit.AuditTrail>();
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        // The object is the endpoint itself: its route pattern with the id filled in (ids only, no text).
        var target = context.Request.Method + " " + (endpoint?.RoutePattern.RawText ?? context.Request.Path.Value ?? "");
        if (context.Request.RouteValues.TryGetValue("id", out var value) && value is not null)
        {
            target = target.Replace("{id:guid}", value.ToString(), StringComparison.Ordinal);
        }
        return audit.RecordAsync(new Features.Audit.AuditEvent
        {
            Action = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Features.Audit.AuditAction.Read : Features.Audit.AuditAction.Execute,
            ObjectType = "Endpoint",
            ObjectId = target.Length > 128 ? target[..128] : target,
            DataCategory = Features.Audit.AuditCategories.Security,
            Outcome = Features.Audit.AuditOutcome.Refused,
            Purpose = Features.Audit.AuditPurposes.AccessControl,
        }, context.RequestAborted);
    }
}
