using Microsoft.AspNetCore.Diagnostics;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A page's form posted to a record the person may not see answers 404, like the page itself.
/// Blazor does not do this on its own: on a POST, <c>NavigationManager.NotFound()</c> leaves the
/// form unrendered, the posted form then matches nothing and Blazor answers 400; and the
/// status-code page is re-executed with the POST's method, so the not-found page would in turn
/// try to dispatch the form. The root component marks the request when a page signals not
/// found (<see cref="Mark"/>); this middleware, inside the status-code pages, turns that 400
/// into the 404 every other refusal gets and re-executes the not-found page as a read.
/// </summary>
public static class FormPostNotFound
{
    private const string Flag = "tandem:page-not-found";

    public static void Mark(HttpContext context) => context.Items[Flag] = true;

    public static IApplicationBuilder UseFormPostNotFound(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || AuthSetup.IsApiRequest(context))
        {
            await next(context);
            return;
        }

        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            // The not-found page is only ever read.
            context.Request.Method = HttpMethods.Get;
            try
            {
                await next(context);
            }
            finally
            {
                context.Request.Method = HttpMethods.Post;
            }

            return;
        }

        await next(context);
        if (context.Items.ContainsKey(Flag) && context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted)
        {
            // Nothing was written: let the status-code pages show the not-found page.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.Headers.ContentType = default;
        }
    });
}
