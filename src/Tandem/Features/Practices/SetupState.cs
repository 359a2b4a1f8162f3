using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Practices;

/// <summary>Whether the installation has its first practice yet. Once it has, it always will.</summary>
public sealed class SetupState(IServiceScopeFactory scopes)
{
    private volatile bool _complete;

    public async ValueTask<bool> IsCompleteAsync(CancellationToken ct = default)
    {
        if (_complete)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDbContext>();
        using (db.Tenant.AsSystem())
        {
            _complete = await db.Practices.AnyAsync(ct);
        }

        return _complete;
    }

    public void MarkComplete() => _complete = true;
}

/// <summary>Until the first practice exists, the home and sign-in pages lead to /setup; afterwards /setup is gone.</summary>
internal sealed class SetupGateMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, SetupState state)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase) && await state.IsCompleteAsync(context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method)
            && (path == "/" || path.StartsWithSegments("/Account/Login", StringComparison.OrdinalIgnoreCase))
            && !await state.IsCompleteAsync(context.RequestAborted))
        {
            context.Response.Redirect("/setup");
            return;
        }

        await next(context);
    }
}
