using Microsoft.AspNetCore.Mvc;

namespace Tandem.Infrastructure.Errors;

/// <summary>A middleware's refusal: the status, and a problem document whose title says in a sentence what happened.</summary>
public static class ProblemResponse
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
