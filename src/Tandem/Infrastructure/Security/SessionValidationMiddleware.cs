using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// One check for every authenticated request, cookie or bearer token: the account is still
/// active, its security stamp is unchanged (password change, deactivation, sign-out
/// everywhere), and the absolute session limit has not passed. Otherwise the request
/// continues as anonymous and the cookie is removed.
/// </summary>
internal sealed class SessionValidationMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AccountStatusCache accounts, IOptions<SecurityOptions> security,
        IOptions<IdentityOptions> identity, TimeProvider time)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && !await IsValidAsync(user, accounts, security.Value, identity.Value, time, context.RequestAborted))
        {
            if (!AuthSetup.HasBearerToken(context))
            {
                await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            }

            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }

        await next(context);
    }

    internal static async ValueTask<bool> IsValidAsync(ClaimsPrincipal user, AccountStatusCache accounts, SecurityOptions security,
        IdentityOptions identity, TimeProvider time, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return false;
        }

        if (!long.TryParse(user.FindFirstValue(TandemClaims.AuthTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var authSeconds)
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(authSeconds) > security.AbsoluteTimeout)
        {
            return false;
        }

        var status = await accounts.GetAsync(userId, ct);
        return status is { IsActive: true }
            && string.Equals(status.SecurityStamp, user.FindFirstValue(identity.ClaimsIdentity.SecurityStampClaimType), StringComparison.Ordinal);
    }
}
