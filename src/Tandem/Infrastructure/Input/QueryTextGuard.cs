using Microsoft.AspNetCore.Diagnostics;

namespace Tandem.Infrastructure.Input;

/// <summary>
/// Every query value of every request, page or API: a control character other than tab and line breaks (a NUL, an
/// escape) is refused before routing, so no lookup, filter or audit entry sees it. PostgreSQL cannot hold U+0000, so a
/// NUL in a search or a filter answered 500 there; no address Tandem writes has one. An API answers 400 problem details
/// naming the parameter; a page answers 400 with the not-found page. The JSON body's counterpart is
/// <see cref="TextWithoutNulConverter"/>.
/// </summary>
internal sealed class QueryTextGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.QueryString.HasValue || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            return next(context);
        }

        foreach (var (name, values) in context.Request.Query)
        {
            if (HasControl(name) || values.Any(v => v is not null && HasControl(v)))
            {
                return RefuseAsync(context, name);
            }
        }

        return next(context);
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not '\n' and not '\r' and not '\t')
            {
                return true;
            }
        }

        return false;
    }

    private static async Task RefuseAsync(HttpContext context, string name)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (!Security.AuthSetup.IsApiRequest(context))
        {
            return;
        }

        var field = new string(name.Where(c => !char.IsControl(c)).ToArray());
        var sentence = $"{field}: the value contains a control character (such as NUL) that Tandem does not accept.";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [sentence] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"The address parameter {field} could not be read.",
                Detail = sentence,
            },
        });
    }
}
