using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// Signing in happens before anyone's practice is known, so the account lookups run in
/// system scope (email is unique across the installation). Deactivated accounts cannot sign
/// in, every path counts failures toward the growing delays of <see cref="ISignInThrottle"/>
/// (no hard lockout), every attempt does the same work whatever the account's state, and every
/// attempt, its outcome and its method is audited (success, failure, slowed down, refusal).
/// </summary>
internal sealed class TandemSignInManager(
    UserManager<TandemUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<TandemUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<TandemUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<TandemUser> confirmation,
    TenantContext tenant,
    AuditTrail audit,
    SignInSessions sessions,
    PasswordSignIn passwords)
    : SignInManager<TandemUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private string _method = "password";
    private bool _refreshing;

    public override async Task<bool> CanSignInAsync(TandemUser user) =>
        user.IsActive && await base.CanSignInAsync(user);

    /// <summary>How long the person must wait after the last attempt was slowed down (answered as "locked out").</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>
    /// The sign-in page's password step: the same check as the API (<see cref="PasswordSignIn"/>), so
    /// every account state costs the same; no hard lockout, only growing delays.
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        _method = "password";
        RetryAfter = null;
        var check = await passwords.CheckAsync(userName, password);
        switch (check.Outcome)
        {
            case PasswordCheckOutcome.Throttled:
                RetryAfter = check.RetryAfter;
                await RecordAsync(check.User, AuditOutcome.Refused, "password (slowed down)");
                return SignInResult.LockedOut;
            case PasswordCheckOutcome.Failed:
                await RecordAsync(check.User, check.User is { IsActive: false } ? AuditOutcome.Refused : AuditOutcome.Failure, "password");
                return SignInResult.Failed;
        }

        var user = check.User!;
        SignInResult result;
        using (tenant.AsSystem())
        {
            result = await SignInOrTwoFactorAsync(user, isPersistent);
        }

        if (result.Succeeded)
        {
            await passwords.SucceededAsync(user);
        }

        await RecordFailureAsync(user, result, "password");
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        _method = "totp";
        return await SecondFactorAsync("totp", () => base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient));
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        _method = "recovery-code";
        return await SecondFactorAsync("recovery-code", () => base.TwoFactorRecoveryCodeSignInAsync(recoveryCode));
    }

    /// <summary>Second-factor codes are throttled with the password, on the same account count: guessing a code is guessing too.</summary>
    private async Task<SignInResult> SecondFactorAsync(string method, Func<Task<SignInResult>> check)
    {
        RetryAfter = null;
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is not null && await passwords.RetryAfterAsync(user) is { } wait && wait > TimeSpan.Zero)
        {
            RetryAfter = wait;
            await RecordAsync(user, AuditOutcome.Refused, method + " (slowed down)");
            return SignInResult.LockedOut;
        }

        SignInResult result;
        using (tenant.AsSystem())
        {
            result = await check();
        }

        if (user is not null && result.Succeeded)
        {
            await passwords.SucceededAsync(user);
        }
        else if (user is not null && !result.IsNotAllowed)
        {
            await passwords.CountFailureAsync(user);
        }

        await RecordFailureAsync(user, result, method);
        return result;
    }

    /// <summary>No hard lockout (issue 19, finding 7): an account locked before the upgrade is not kept out either.</summary>
    protected override Task<bool> IsLockedOut(TandemUser user) => Task.FromResult(false);

    public override async Task<TandemUser?> GetTwoFactorAuthenticationUserAsync()
    {
        using var _ = tenant.AsSystem();
        return await base.GetTwoFactorAuthenticationUserAsync();
    }

    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        _method = "passkey";
        SignInResult result;
        using (tenant.AsSystem())
        {
            result = await base.PasskeySignInAsync(credentialJson);
        }

        if (!result.Succeeded)
        {
            await RecordAsync(null, AuditOutcome.Failure, "passkey");
        }

        return result;
    }

    /// <summary>
    /// A credential posted without a passkey ceremony under way in this browser (none was started, it expired, or it was
    /// used already) is a failed attestation, not a server error (QUALITY.md S3). The framework throws
    /// InvalidOperationException for that case.
    /// </summary>
    public override async Task<PasskeyAttestationResult> PerformPasskeyAttestationAsync(string credentialJson)
    {
        try
        {
            return await base.PerformPasskeyAttestationAsync(credentialJson);
        }
        catch (InvalidOperationException e)
        {
            return PasskeyAttestationResult.Fail(new PasskeyException(NoCeremony, e));
        }
    }

    /// <summary>The same for signing in with a passkey: without a ceremony under way, the sign-in fails (and is audited as such).</summary>
    public override async Task<PasskeyAssertionResult<TandemUser>> PerformPasskeyAssertionAsync(string credentialJson)
    {
        try
        {
            return await base.PerformPasskeyAssertionAsync(credentialJson);
        }
        catch (InvalidOperationException e)
        {
            return PasskeyAssertionResult.Fail<TandemUser>(new PasskeyException(NoCeremony, e));
        }
    }

    private const string NoCeremony = "The passkey request was not started in this browser or has expired. Please try again.";

    public override async Task<string> MakePasskeyRequestOptionsAsync(TandemUser? user)
    {
        using var _ = tenant.AsSystem();
        return await base.MakePasskeyRequestOptionsAsync(user);
    }

    public override async Task RefreshSignInAsync(TandemUser user)
    {
        _refreshing = true;
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _refreshing = false;
        }
    }

    /// <summary>
    /// Every successful cookie sign-in passes here, whatever the method, and starts a server-side
    /// session whose id the cookie carries. A refresh of the same person's cookie (new profile, new
    /// security stamp) keeps the session it runs in.
    /// </summary>
    public override async Task SignInWithClaimsAsync(TandemUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var current = Context.User;
        var sessionId = _refreshing && current.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id.ToString() && SignInSessions.CurrentId(current) is { } kept
            ? kept
            : await sessions.StartAsync(user, SignInSessionKind.Browser);
        await base.SignInWithClaimsAsync(user, authenticationProperties, [.. additionalClaims, new Claim(TandemClaims.SessionId, sessionId.ToString())]);
        if (!_refreshing)
        {
            await RecordAsync(user, AuditOutcome.Success, _method);
        }
    }

    /// <summary>Signing out ends the session on the server: a copy of the cookie opens nothing afterwards.</summary>
    public override async Task SignOutAsync()
    {
        var user = Context.User;
        if (Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId) && SignInSessions.CurrentId(user) is { } sessionId)
        {
            await sessions.EndAsync(userId, sessionId, SessionEndReasons.SignedOut);
        }

        await base.SignOutAsync();
    }

    /// <summary>A successful API (bearer) sign-in, which does not use the cookie path.</summary>
    public Task RecordApiSuccessAsync(TandemUser user) => RecordAsync(user, AuditOutcome.Success, "api");

    public Task RecordApiFailureAsync(TandemUser? user, string method) => RecordAsync(user, AuditOutcome.Failure, method);

    public Task RecordApiRefusalAsync(TandemUser? user, string method) => RecordAsync(user, AuditOutcome.Refused, method);

    /// <summary>A sign-in form refused before any account was looked up (its fields did not validate).</summary>
    public Task RecordFormFailureAsync(string method) => RecordAsync(null, AuditOutcome.Failure, method);

    private async Task RecordFailureAsync(TandemUser? user, SignInResult result, string method)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (result.RequiresTwoFactor)
        {
            // The password was right; the person is not signed in until the second factor is.
            await RecordAsync(user, AuditOutcome.Failure, method + " (second factor needed)");
            return;
        }

        // Locked out or deactivated: refused. (The lock itself is audited where it is saved, as Account.LockedOut.)
        await RecordAsync(user, result.IsLockedOut || result.IsNotAllowed ? AuditOutcome.Refused : AuditOutcome.Failure, method);
    }

    private Task RecordAsync(TandemUser? user, AuditOutcome outcome, string method) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Execute,
        ObjectType = "SignIn",
        ObjectId = method,
        DataCategory = AuditCategories.Security,
        Outcome = outcome,
        Purpose = AuditPurposes.AccessControl,
        UserId = user?.Id,
        SubjectUserId = user?.Id,
        Role = user?.Role.ToString() ?? "Anonymous",
        PracticeId = user?.PracticeId ?? Guid.Empty,
    });
}
