using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Tandem.Infrastructure.Security;

namespace Tandem.Components.Account;

/// <summary>
/// Live (interactive) pages re-check the session every minute with the same rules as every
/// HTTP request: open sign-in session, active account, unchanged security stamp, absolute limit.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, SessionValidator validator)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        await validator.IsValidAsync(authenticationState.User, cancellationToken);
}
