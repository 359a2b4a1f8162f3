using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Security;

namespace Tandem.Components.Account;

/// <summary>
/// Live (interactive) pages re-check the session every minute with the same rules as every
/// HTTP request: active account, unchanged security stamp, absolute limit.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        AccountStatusCache accounts,
        IOptions<SecurityOptions> security,
        IOptions<IdentityOptions> identity,
        TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        await SessionValidationMiddleware.IsValidAsync(authenticationState.User, accounts, security.Value, identity.Value, time, cancellationToken);
}
