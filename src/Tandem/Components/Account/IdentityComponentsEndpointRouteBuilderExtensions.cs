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
            return TypedResults.LocalRedirect($"~/{returnUrl}");
        }).RequireAuthorization(Policies.SignedIn);

        accountGroup.MapPost("/PasskeyCreationOptions", async (
            HttpContext context,
            [FromServices] UserManager<TandemUser> userManager,
            [FromServices] SignInManager<TandemUser> signInManager,
            [FromServices] IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(context);

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
            await antiforgery.ValidateRequestAsync(context);
            var optionsJson = await signInManager.MakePasskeyRequestOptionsAsync(null);
            return TypedResults.Content(optionsJson, contentType: "application/json");
        }).AllowAnonymous();

        return accountGroup;
    }
}
