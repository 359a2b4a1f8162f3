using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>Puts the person's role, practice and time zone into the cookie or token, and when they signed in.</summary>
internal sealed class TandemClaimsFactory(UserManager<TandemUser> userManager, IOptions<IdentityOptions> options, TimeProvider time, IHttpContextAccessor http)
    : UserClaimsPrincipalFactory<TandemUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(TandemUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(TandemClaims.PracticeId, user.PracticeId.ToString()));
        identity.AddClaim(new Claim(TandemClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(TandemClaims.TimeZone, user.TimeZone));
        identity.AddClaim(new Claim(TandemClaims.AuthTime, AuthTime(user)));
        return identity;
    }

    /// <summary>
    /// A refresh of the same person's session (profile or password change) keeps the original
    /// sign-in time, so the absolute limit cannot be pushed back.
    /// </summary>
    private string AuthTime(TandemUser user)
    {
        var current = http.HttpContext?.User;
        if (current?.Identity?.IsAuthenticated == true
            && current.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id.ToString()
            && current.FindFirstValue(TandemClaims.AuthTime) is { } existing)
        {
            return existing;
        }

        return time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }
}
