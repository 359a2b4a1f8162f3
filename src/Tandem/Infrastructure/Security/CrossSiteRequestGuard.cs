using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Tandem's rule against cross-site requests (QUALITY.md S7; issue 19, finding 2).
///
/// A browser attaches the session cookie to every request to Tandem, whichever site made it: a
/// page elsewhere can post a plain form to <c>/api/engagements/{id}/agreement/withdraw</c> and the
/// cookie goes along. SameSite=Lax stops other sites but not another port or a sibling subdomain
/// (same site, different origin). So any request that can change something (POST, PUT, PATCH,
/// DELETE) and is authenticated by the session cookie must
/// <list type="number">
/// <item>come from Tandem's own origin (<see cref="AppOrigin"/>, never the request's Host): the
/// <c>Origin</c> header equals it, or, when a browser leaves Origin out, <c>Sec-Fetch-Site</c> is
/// <c>same-origin</c>; with neither header the request is refused (every current browser sends at
/// least one on such a request); and</item>
/// <item>carry the antiforgery token of the person's session (header <c>RequestVerificationToken</c>
/// or form field <c>__RequestVerificationToken</c>). Pages' forms already carry it: the framework
/// checks those endpoints itself (a missing token is its 400); this guard checks every other one.</item>
/// </list>
/// Otherwise: 403 problem details with a sentence, the refusal audited, nothing run.
///
/// Requests with a bearer token are exempt: a token is sent only by a program that holds it,
/// never attached by the browser on another site's behalf. The real-time endpoints
/// (<c>/_blazor</c>, <c>/hubs</c>) cannot carry the token (SignalR's clients do not send it), so
/// there the origin rule alone applies, to every method: a cookie-authenticated negotiate or
/// WebSocket handshake from another origin is refused (cross-site WebSocket hijacking); browsers
/// always send Origin on WebSocket handshakes.
/// </summary>
internal sealed class CrossSiteRequestGuard(RequestDelegate next, AppOrigin origin, IAntiforgery antiforgery)
{
    public const string TokenHeader = "RequestVerificationToken";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var realtime = IsRealtime(request.Path);
        var unsafeMethod = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));
        if ((!unsafeMethod && !realtime) || !IsCookieSession(context))
        {
            await next(context);
            return;
        }

        var refusal = OriginProblem(context, strict: unsafeMethod);
        if (refusal is null && unsafeMethod && !realtime && !ValidatedByFramework(context) && !await TokenIsValidAsync(context))
        {
            refusal = "A change sent with a signed-in browser's session must carry the antiforgery token of Tandem's page "
                + $"(header {TokenHeader} or form field __RequestVerificationToken). Nothing was changed. Programs sign in with POST /api/auth/login and send a bearer token instead.";
        }

        if (refusal is null)
        {
            await next(context);
            return;
        }

        await NotFoundForForbidden.RecordRefusalAsync(context);
        await Errors.ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "This request did not come from Tandem's own pages.", refusal);
    }

    /// <summary>Authenticated by the session cookie (not a bearer token): the only ambient credential.</summary>
    public static bool IsCookieSession(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Ticket?.AuthenticationScheme == IdentityConstants.ApplicationScheme;

    private static bool IsRealtime(PathString path) => path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/hubs");

    /// <summary>Why the request is not same-origin, or null when it is. Not strict (a real-time GET): only a header that names another origin refuses.</summary>
    private string? OriginProblem(HttpContext context, bool strict)
    {
        const string Rest = " Nothing was changed. Programs sign in with POST /api/auth/login and send a bearer token instead.";
        var headers = context.Request.Headers;
        var originHeader = headers.Origin.ToString();
        var site = headers["Sec-Fetch-Site"].ToString();
        if (originHeader.Length > 0)
        {
            return origin.IsOwnOrigin(originHeader) ? null : "A request with a signed-in browser's session came from another site or origin." + Rest;
        }

        if (site.Length > 0)
        {
            return string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase) ? null : "A request with a signed-in browser's session came from another site or origin." + Rest;
        }

        return strict ? "A change sent with a signed-in browser's session must say where it comes from (the Origin or Sec-Fetch-Site header every browser sends)." + Rest : null;
    }

    /// <summary>Endpoints that check the token themselves: pages' forms and form-bound endpoints (the framework's antiforgery metadata).</summary>
    private static bool ValidatedByFramework(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation == true;

    private async Task<bool> TokenIsValidAsync(HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (InvalidDataException)
        {
            // A form body that cannot be read carries no token either.
            return false;
        }
    }
}
