using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Accounts;

public sealed record LoginRequest(
    [property: Required, MaxLength(254)] string Email,
    [property: Required, MaxLength(256)] string Password,
    [property: MaxLength(16)] string? TwoFactorCode);

public sealed record RefreshRequest([property: Required, MaxLength(4096)] string RefreshToken);

public sealed record PasswordResetRequest([property: Required, MaxLength(254)] string Email);

public sealed record PasswordResetConfirmRequest(
    [property: Required, MaxLength(254)] string Email,
    [property: Required, MaxLength(2048)] string Token,
    [property: Required, MaxLength(256)] string NewPassword);

public sealed record MeResponse(Guid Id, string Email, string DisplayName, string? Pronouns, string Role, Guid PracticeId, string TimeZone);

/// <summary>Bearer tokens for outside clients (API.md, Auth). Pages use the cookie.</summary>
public static class SignInApi
{
    private const string FailedTitle = "Sign-in failed.";
    private const string FailedDetail = "The email or password is not right. After several failed attempts each further one has to wait a little longer.";

    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithSummary("Exchange email and password (and a two-factor code when enabled) for a bearer and refresh token.");
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous()
            .WithSummary("Exchange a refresh token for new tokens. Each refresh token works once: a reused one ends its whole family (401). Fails once the session has ended, the account is deactivated or the 12-hour limit has passed.");
        auth.MapPost("/password-reset", RequestResetAsync).AllowAnonymous()
            .WithSummary("Ask for a password reset link by email. Always 202, whether or not the address has an account; the link works once, for an hour.");
        auth.MapPost("/password-reset/confirm", ConfirmResetAsync).AllowAnonymous()
            .WithSummary("Set a new password with the emailed token (204). Ends every session and token of the account and emails a notice; passkeys and two-factor sign-in stay.");
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("End this bearer session and its refresh-token family (204). Browsers sign out with the page's Sign out button.");
        app.MapGet("/api/me", MeAsync).RequireAuthorization(Policies.SignedIn).WithTags("Auth")
            .WithSummary("The signed-in person.");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult, ValidationProblem>> LoginAsync(
        [FromBody] LoginRequest request,
        HttpContext http,
        TandemSignInManager signIn,
        UserManager<TandemUser> users,
        PasswordSignIn passwords,
        TenantContext tenant,
        SignInSessions sessions)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        // The same work for an unknown, existing, slowed-down or deactivated account (PasswordSignIn).
        var check = await passwords.CheckAsync(request.Email, request.Password, http.RequestAborted);
        if (check.Outcome == PasswordCheckOutcome.Throttled)
        {
            await signIn.RecordApiRefusalAsync(check.User, "api-password (slowed down)");
            return TooManyAttempts(http, check.RetryAfter);
        }

        if (check.Outcome == PasswordCheckOutcome.Failed)
        {
            if (check.User is { IsActive: false })
            {
                await signIn.RecordApiRefusalAsync(check.User, "api-password");
            }
            else
            {
                await signIn.RecordApiFailureAsync(check.User, "api-password");
            }

            return Failed();
        }

        var user = check.User!;
        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TwoFactorCode))
            {
                await signIn.RecordApiFailureAsync(user, "api-password (second factor needed)");
                return TypedResults.Problem(title: "A two-factor code is needed.", detail: "Send twoFactorCode from your authenticator app.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            bool valid;
            using (tenant.AsSystem())
            {
                valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider,
                    request.TwoFactorCode.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal));
            }

            if (!valid)
            {
                await passwords.CountFailureAsync(user, http.RequestAborted);
                await signIn.RecordApiFailureAsync(user, "api-totp");
                return Failed();
            }
        }

        await passwords.SucceededAsync(user, http.RequestAborted);
        ClaimsPrincipal principal;
        using (tenant.AsSystem())
        {
            principal = await signIn.CreateUserPrincipalAsync(user);
        }

        // A server-side session per sign-in: the tokens carry its id and which refresh token of the family they are.
        var sessionId = await sessions.StartAsync(user, SignInSessionKind.Api, http.RequestAborted);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(TandemClaims.SessionId, sessionId.ToString()));
        identity.AddClaim(new Claim(TandemClaims.RefreshGeneration, "0"));

        // The bearer handler writes {tokenType, accessToken, expiresIn, refreshToken}.
        await signIn.RecordApiSuccessAsync(user);
        await http.SignInAsync(IdentityConstants.BearerScheme, principal);
        return TypedResults.Empty;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult, ValidationProblem>> RefreshAsync(
        [FromBody] RefreshRequest request,
        HttpContext http,
        IOptionsMonitor<BearerTokenOptions> bearer,
        TimeProvider time,
        SessionValidator validator,
        SignInSessions sessions)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires
            || !int.TryParse(ticket.Principal.FindFirstValue(TandemClaims.RefreshGeneration), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation)
            || SignInSessions.CurrentId(ticket.Principal) is not { } sessionId
            || !await validator.IsValidAsync(ticket.Principal, http.RequestAborted)
            || await sessions.RotateAsync(sessionId, generation, http.RequestAborted) != RefreshOutcome.Rotated)
        {
            return TypedResults.Problem(title: "The refresh token is no longer valid.", detail: "Sign in again.", statusCode: StatusCodes.Status401Unauthorized);
        }

        // Same identity, session and original sign-in time (refreshing never extends the 12-hour limit); the next refresh token of the family.
        var identity = new ClaimsIdentity(ticket.Principal.Identity!);
        identity.RemoveClaim(identity.FindFirst(TandemClaims.RefreshGeneration));
        identity.AddClaim(new Claim(TandemClaims.RefreshGeneration, (generation + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await http.SignInAsync(IdentityConstants.BearerScheme, new ClaimsPrincipal(identity));
        return TypedResults.Empty;
    }

    private static async Task<Results<Accepted, ValidationProblem>> RequestResetAsync([FromBody] PasswordResetRequest request, PasswordReset reset, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        await reset.RequestAsync(request.Email, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ValidationProblem>> ConfirmResetAsync([FromBody] PasswordResetConfirmRequest request, PasswordReset reset, CancellationToken ct)
    {
        if (Validation.Check(request) is { } invalid)
        {
            return invalid;
        }

        await reset.ConfirmAsync(request.Email, request.Token, request.NewPassword, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Ends the bearer session the request came with; a cookie session signs out through its page instead.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext http, ClaimsPrincipal user, SignInSessions sessions)
    {
        if (!AuthSetup.HasBearerToken(http))
        {
            return TypedResults.Problem(title: "Sign out of the browser with its Sign out button.",
                detail: "POST /api/auth/logout ends a bearer-token session; send it with 'Authorization: Bearer ...'.", statusCode: StatusCodes.Status400BadRequest);
        }

        var userId = Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
        if (SignInSessions.CurrentId(user) is { } sessionId)
        {
            await sessions.EndAsync(userId, sessionId, SessionEndReasons.SignedOut, http.RequestAborted);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeResponse>, NotFound>> MeAsync(ClaimsPrincipal principal, UserManager<TandemUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.DisplayName, user.Pronouns, user.Role.ToString(), user.PracticeId, user.TimeZone));
    }

    private static ProblemHttpResult Failed() =>
        TypedResults.Problem(title: FailedTitle, detail: FailedDetail, statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>429 with Retry-After while this account or address must wait; the same answer whether the account exists or not.</summary>
    private static ProblemHttpResult TooManyAttempts(HttpContext http, TimeSpan wait)
    {
        var seconds = RetryAfterSeconds(wait);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: "Too many failed attempts.",
            detail: $"Sign-in attempts for this account or from this address are slowed down after several failures. Wait {seconds} seconds, then try again.",
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
