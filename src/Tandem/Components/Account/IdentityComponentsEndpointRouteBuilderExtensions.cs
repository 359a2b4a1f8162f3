using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Security;

namespace Microsoft.AspNetCore.Routing;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    // Endpoints the Identity pages post to (sign-out and the passkey ceremonies).
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var accountGroup = endpoints.MapGroup("/Account").ExcludeFromDescription();

        accountGroup.MapPost("/Logout", async (
            [FromServices] SignInManager<TandemUser> signInManager,
            [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            // The form's returnUrl is whatever was posted: a path on this site, or the page that says the person is signed out
            // (LocalRedirect would throw, a 500, on "//host"). The header's form posts none.
            return TypedResults.LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Tandem.Infrastructure.Hosting.LocalPaths.IsLocal(returnUrl) ? "~/" + returnUrl.TrimStart('/') : "~/Account/SignedOut");
        }).RequireAuthorization(Policies.SignedIn);

        accountGroup.MapPost("/PasskeyCreationOptions", async (
            HttpContext context,
            [FromServices] UserManager<TandemUser> userManager,
            [FromServices] SignInManager<TandemUser> signInManager,
            [FromServices] IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return NotVerified();
            }

            var user = await userManager.GetUserAsync(context.User);
            if (user is null)
            {
                return Results.NotFound();
            }

            var userId = await userManager.GetUserIdAsync(user);
            var userName = await userManager.GetUserNameAsync(user) ?? "User";
            var optionsJson = await signInManager.MakePasskeyCreationOptionsAsync(new()
            {
                Id = userId,
                Name = userName,
                DisplayName = user.DisplayName,
            });
            return TypedResults.Content(optionsJson, contentType: "application/json");
        }).RequireAuthorization(Policies.SignedIn);

        // Always a discoverable-credential request: naming the account would tell a stranger
        // whether it exists and which passkeys it has.
        accountGroup.MapPost("/PasskeyRequestOptions", async (
            HttpContext context,
            [FromServices] SignInManager<TandemUser> signInManager,
            [FromServices] IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return NotVerified();
            }

            var optionsJson = await signInManager.MakePasskeyRequestOptionsAsync(null);
            return TypedResults.Content(optionsJson, contentType: "application/json");
        }).AllowAnonymous();

        return accountGroup;
    }

    // A post without the page's antiforgery token is a bad request (400), not a crash: ValidateRequestAsync would throw,
    // and outside Development every unhandled exception is a 500.
    private static IResult NotVerified() =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "This request could not be verified.", detail: "Reload the page and try again.");
}
