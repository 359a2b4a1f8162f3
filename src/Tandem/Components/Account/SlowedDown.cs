using System.Globalization;
using Tandem.Features.Accounts;

namespace Tandem.Components.Account;

/// <summary>A sign-in page's answer while attempts must wait (issue 19, finding 7): 429 with Retry-After, and a sentence.</summary>
internal static class SlowedDown
{
    public static string Answer(HttpContext context, TimeSpan? wait)
    {
        var seconds = SignInApi.RetryAfterSeconds(wait ?? TimeSpan.FromSeconds(1));
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return $"Error: Too many failed attempts. After several failures each further attempt has to wait a little longer. Wait {seconds} seconds, then try again.";
    }
}
