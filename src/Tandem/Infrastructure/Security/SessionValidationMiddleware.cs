using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// One check for every authenticated request, cookie or bearer token: the account is still
/// active, its security stamp is unchanged (password change, deactivation, sign-out
/// everywhere), and the absolute session limit has not passed. Otherwise the request
/// continues as anonymous.
/// </summary>
internal sealed partial class SessionValidationMiddleware(RequestDelegate next, ILogger<SessionValidationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, AccountStatusCache accounts, IOptions<SecurityOptions> security,
        IOptions<IdentityOptions> identity, TimeProvider time)
    {
        // Cookies are checked as they are read (ValidateCookieAsync), once; here only bearer tokens.
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && AuthSetup.HasBearerToken(context)
            && await WhyInvalidAsync(user, accounts, security.Value, identity.Value, time, context.RequestAborted) is { } reason)
        {
            EndedSession(logger, reason, context.Request.Method, context.Request.Path);
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }

        await next(context);
    }

    /// <summary>
    /// The sign-in cookie's check, run as the cookie is read: an ended session is refused before the
    /// cookie handler could renew it. The cookie is not deleted: a request sent just before a refresh
    /// (a new authenticator key, a changed password: a new stamp and a new cookie) still carries the old
    /// one, and deleting it would also delete the new cookie the browser has by then, signing the
    /// person out of the session that was just refreshed. The old cookie opens nothing, on any request.
    /// </summary>
    internal static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        if (context.Principal is { Identity.IsAuthenticated: true } user
            && await WhyInvalidAsync(user, services.GetRequiredService<AccountStatusCache>(), services.GetRequiredService<IOptions<SecurityOptions>>().Value,
                services.GetRequiredService<IOptions<IdentityOptions>>().Value, services.GetRequiredService<TimeProvider>(), context.HttpContext.RequestAborted) is { } reason)
        {
            EndedSession(services.GetRequiredService<ILogger<SessionValidationMiddleware>>(), reason, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            context.RejectPrincipal();
        }
    }

    internal static async ValueTask<bool> IsValidAsync(ClaimsPrincipal user, AccountStatusCache accounts, SecurityOptions security,
        IdentityOptions identity, TimeProvider time, CancellationToken ct) =>
        await WhyInvalidAsync(user, accounts, security, identity, time, ct) is null;

    /// <summary>Null while the session may go on; otherwise why it ends (for the log, never for the person).</summary>
    private static async ValueTask<string?> WhyInvalidAsync(ClaimsPrincipal user, AccountStatusCache accounts, SecurityOptions security,
        IdentityOptions identity, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return "no user id";
        }

        if (!long.TryParse(user.FindFirstValue(TandemClaims.AuthTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var authSeconds)
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(authSeconds) > security.AbsoluteTimeout)
        {
            return "absolute limit passed";
        }

        var status = await accounts.GetAsync(userId, ct);
        return status switch
        {
            null => "account gone",
            { IsActive: false } => "account deactivated",
            _ when !string.Equals(status.SecurityStamp, user.FindFirstValue(identity.ClaimsIdentity.SecurityStampClaimType), StringComparison.Ordinal)
                => "security stamp changed",
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session ended ({Reason}) at {Method} {Path}")]
    private static partial void EndedSession(ILogger logger, string reason, string method, PathString path);
}
