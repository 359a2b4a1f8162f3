using Scalar.AspNetCore;
using Tandem.Components;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Security;

namespace Tandem.Infrastructure.Hosting;

public static class TandemPipeline
{
    public static WebApplication MapTandem(this WebApplication app)
    {
        // Before anything reads the connection's address or scheme.
        app.UseTrustedProxies(app.Configuration);
        if (app.Environment.IsDevelopment())
        {
            app.UseDeveloperExceptionPage();

            // Domain failures (validation, not found) answer the same problem details as in
            // production; only real crashes reach the developer page.
            app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (Exception ex) when (ex is Errors.DomainException or BadHttpRequestException && !context.Response.HasStarted)
                {
                    context.Response.Clear();
                    foreach (var handler in context.RequestServices.GetServices<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>())
                    {
                        if (await handler.TryHandleAsync(context, ex, context.RequestAborted))
                        {
                            return;
                        }
                    }

                    throw;
                }
            });
        }
        else
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = _ => StatusCodes.Status500InternalServerError });
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<RelativeRedirects>();
        if (Setting.Get(app.Configuration, "Security:RequireHttps", !app.Environment.IsDevelopment()))
        {
            // Health probes from a load balancer or monitor on the private network may use plain http.
            // With an https public address the redirect goes there, never to the Host a request named (issue 26, item 1).
            var toPublicUrl = AppOrigin.PublicHttpsPort(app.Configuration) is not null;
            app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase), https =>
            {
                if (toPublicUrl)
                {
                    https.Use((ctx, next) =>
                    {
                        if (ctx.Request.IsHttps)
                        {
                            return next(ctx);
                        }

                        var origin = ctx.RequestServices.GetRequiredService<AppOrigin>();
                        ctx.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                        ctx.Response.Headers.Location = origin.BaseUrl + ctx.Request.Path.ToUriComponent() + ctx.Request.QueryString.ToUriComponent();
                        return Task.CompletedTask;
                    });
                }
                else
                {
                    https.UseHttpsRedirection();
                }
            });
        }

        app.UseWhen(AuthSetup.IsApiRequest, api => api.UseStatusCodePages());
        app.UseWhen(ctx => !AuthSetup.IsApiRequest(ctx), pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseFormPostNotFound();
        app.UseMiddleware<Input.QueryTextGuard>();

        // Routing after the status-code pages, so a re-executed /not-found finds its page.
        app.UseRouting();
        app.UseMiddleware<SetupGateMiddleware>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<SessionValidationMiddleware>();
        app.UseMiddleware<CrossSiteRequestGuard>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<FormTokenGuard>();
        app.UseMiddleware<Input.PageInputGuard>();

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();

        app.MapSignInApi();
        app.MapSessionsApi();
        app.MapPeopleApi();
        foreach (var module in TandemModules.All)
        {
            module.MapEndpoints(app);
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("Tandem API").DisableDefaultFonts()).AllowAnonymous();
        app.MapGet("/health", async (TandemDbContext db, CancellationToken ct) =>
                await db.Database.CanConnectAsync(ct) ? Results.Text("ok") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable))
            .AllowAnonymous().WithTags("Health").WithSummary("200 when the database answers.");
        Observability.TandemHealth.MapTandemHealth(app);
        return app;
    }
}
