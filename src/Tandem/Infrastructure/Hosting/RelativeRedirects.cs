namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// Redirects never name the address a request arrived with (issue 19, finding 1). The framework
/// builds absolute Location headers from the request's scheme and Host (the sign-in redirect,
/// Blazor's NavigateTo), so a forged Host would come back in the answer (and in any cache in
/// between). A redirect to this same site leaves as a path only; the browser resolves it against
/// the address it actually asked for.
/// </summary>
internal sealed class RelativeRedirects(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            var location = ctx.Response.Headers.Location.ToString();
            if (location.Length > 0 && Uri.TryCreate(location, UriKind.Absolute, out var target) && target.Scheme is "http" or "https"
                && string.Equals(target.Scheme, ctx.Request.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(target.Authority, ctx.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            {
                var relative = target.PathAndQuery + target.Fragment;
                // "//host" would be read as another site.
                ctx.Response.Headers.Location = relative.StartsWith("//", StringComparison.Ordinal) ? "/" : relative;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
