using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Signing in happens before anyone's practice is known, so the account lookups run in
/// system scope (email is unique across the installation). Deactivated accounts cannot sign
/// in, and every path counts failures toward the per-account lockout.
/// </summary>
internal sealed class TandemSignInManager(
    UserManager<TandemUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<TandemUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<TandemUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<TandemUser> confirmation,
    TenantContext tenant)
    : SignInManager<TandemUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(TandemUser user) =>
        user.IsActive && await base.CanSignInAsync(user);

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        using var _ = tenant.AsSystem();
        return await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure: true);
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(TandemUser user, string password, bool lockoutOnFailure)
    {
        using var _ = tenant.AsSystem();
        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        using var _ = tenant.AsSystem();
        return await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        using var _ = tenant.AsSystem();
        return await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
    }

    public override async Task<TandemUser?> GetTwoFactorAuthenticationUserAsync()
    {
        using var _ = tenant.AsSystem();
        return await base.GetTwoFactorAuthenticationUserAsync();
    }

    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        using var _ = tenant.AsSystem();
        return await base.PasskeySignInAsync(credentialJson);
    }

    public override async Task<string> MakePasskeyRequestOptionsAsync(TandemUser? user)
    {
        using var _ = tenant.AsSystem();
        return await base.MakePasskeyRequestOptionsAsync(user);
    }
}
