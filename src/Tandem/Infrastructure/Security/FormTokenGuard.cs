using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// An endpoint that reads a form (sign-out, for one) answers 400 in a sentence when the form's antiforgery token failed,
/// before its handler runs. The framework's runtime binder checked this itself; the compile-time one (the Request
/// Delegate Generator, which Tandem uses so a start does not compile every endpoint) reads the form anyway, and reading a
/// form whose token failed throws: a 500. Pages (Razor components) answer their own 400 and are left to the framework.
/// </summary>
public sealed class FormTokenGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null
            && endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true }
            && context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            await Errors.ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                "This form came without a valid security token, so nothing was done. Go back, reload the page and try again.");
            return;
        }

        await next(context);
    }
}
