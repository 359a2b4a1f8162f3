using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// One check for every authenticated request, cookie or bearer token (header or the hub's
/// access_token), and for live pages every minute: the sign-in session is still open on the
/// server, the account is still active, its security stamp is unchanged (password change,
/// deactivation, a new authenticator key), and the absolute session limit has not passed.
/// Two small in-memory caches keep the per-request cost low.
/// </summary>
public sealed class SessionValidator(AccountStatusCache accounts, SignInSessionCache sessions, IOptions<SecurityOptions> security,
    IOptions<IdentityOptions> identity, TimeProvider time)
{
    public async ValueTask<bool> IsValidAsync(ClaimsPrincipal user, CancellationToken ct) => await WhyInvalidAsync(user, ct) is null;

    /// <summary>Null while the session may go on; otherwise why it ends (for the log, never for the person).</summary>
    public async ValueTask<string?> WhyInvalidAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return "no user id";
        }

        var now = time.GetUtcNow();
        if (!long.TryParse(user.FindFirstValue(TandemClaims.AuthTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var authSeconds)
            || now - DateTimeOffset.FromUnixTimeSeconds(authSeconds) > security.Value.AbsoluteTimeout)
        {
            return "absolute limit passed";
        }

        if (!Guid.TryParse(user.FindFirstValue(TandemClaims.SessionId), out var sessionId))
        {
            return "no session id";
        }

        var status = await accounts.GetAsync(userId, ct);
        var why = status switch
        {
            null => "account gone",
            { IsActive: false } => "account deactivated",
            _ when !string.Equals(status.SecurityStamp, user.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType), StringComparison.Ordinal)
                => "security stamp changed",
            _ => null,
        };
        if (why is not null)
        {
            return why;
        }

        var session = await sessions.GetAsync(sessionId, ct);
        if (session is null || session.UserId != userId)
        {
            return "no such session";
        }

        if (!session.IsOpen)
        {
            return "session ended";
        }

        await sessions.SeenAsync(sessionId, session, now, ct);
        return null;
    }
}

internal sealed partial class SessionValidationMiddleware(RequestDelegate next, ILogger<SessionValidationMiddleware> logger)
{
    private static readonly object CheckedKey = new();

    public async Task InvokeAsync(HttpContext context, SessionValidator validator)
    {
        // Cookies are checked as they are read (ValidateCookieAsync), once; here everything else
        // that authenticated the request (a bearer token in the header, or the hub's access_token).
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && !context.Items.ContainsKey(CheckedKey)
            && await validator.WhyInvalidAsync(user, context.RequestAborted) is { } reason)
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
        context.HttpContext.Items[CheckedKey] = true;
        if (context.Principal is { Identity.IsAuthenticated: true } user
            && await services.GetRequiredService<SessionValidator>().WhyInvalidAsync(user, context.HttpContext.RequestAborted) is { } reason)
        {
            EndedSession(services.GetRequiredService<ILogger<SessionValidationMiddleware>>(), reason, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            context.RejectPrincipal();

            // The sign-in page says why (issue 22): a word for the reason, never anything about the account.
            if (await EndedWordAsync(services, user, reason, context.HttpContext.RequestAborted) is { } word)
            {
                context.HttpContext.Items[EndedKey] = word;
            }
        }
    }

    /// <summary>The reason a browser's sign-in ended, as one of <see cref="EndedWords"/>, for the sign-in page.</summary>
    internal static readonly object EndedKey = new();

    /// <summary>The words the sign-in page explains (query parameter "ended").</summary>
    public static readonly IReadOnlyList<string> EndedWords =
        ["expired", "deactivated", SessionEndReasons.PasswordChanged, SessionEndReasons.EndedByPerson, SessionEndReasons.SecurityChange, SessionEndReasons.RefreshTokenReused];

    private static async Task<string?> EndedWordAsync(IServiceProvider services, ClaimsPrincipal user, string reason, CancellationToken ct)
    {
        switch (reason)
        {
            case "absolute limit passed":
                return "expired";
            case "account deactivated":
                return "deactivated";
            case "security stamp changed" or "session ended":
                // The session row says why it was ended (a new password, from another device...).
                if (Guid.TryParse(user.FindFirstValue(TandemClaims.SessionId), out var id))
                {
                    await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
                    using (db.Tenant.AsSystem())
                    {
                        if (await db.SignInSessions.AsNoTracking().Where(s => s.Id == id).Select(s => s.EndReason).FirstOrDefaultAsync(ct) is { } ended
                            && EndedWords.Contains(ended))
                        {
                            return ended;
                        }
                    }
                }

                return reason == "security stamp changed" ? SessionEndReasons.SecurityChange : null;
            default:
                return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session ended ({Reason}) at {Method} {Path}")]
    private static partial void EndedSession(ILogger logger, string reason, string method, PathString path);
}
