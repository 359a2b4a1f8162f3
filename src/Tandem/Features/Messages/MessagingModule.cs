using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Tandem.Features.Demo;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Messages;

/// <summary>Secure messaging between sessions: API, live hub, demo history.</summary>
public sealed class MessagingModule : ITandemModule
{
    public const string HubPath = "/hubs/engagement";

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSignalR();
        services.AddSingleton<MessagingEvents>();
        services.AddScoped<MessageThreads>();
        services.AddScoped<MessageReader>();
        services.AddScoped<RecentMessages>();
        services.AddScoped<MessageUseCases>();
        services.AddScoped<IDemoSeedStep, MessagesDemoStep>();

        // Browsers cannot set headers on WebSockets: an API client of the hub sends its bearer
        // token as access_token on the hub path only (the SignalR convention).
        services.PostConfigure<PolicySchemeOptions>(AuthSetup.CookieOrBearer, o =>
        {
            var inner = o.ForwardDefaultSelector;
            o.ForwardDefaultSelector = ctx => IsHubWithToken(ctx) ? IdentityConstants.BearerScheme : inner?.Invoke(ctx);
        });
        services.PostConfigure<BearerTokenOptions>(IdentityConstants.BearerScheme, o =>
        {
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async ctx =>
            {
                await inner(ctx);
                if (ctx.Token is null && IsHubWithToken(ctx.HttpContext))
                {
                    ctx.Token = ctx.Request.Query["access_token"];
                }
            };
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapMessagesApi();
        app.MapHub<EngagementHub>(HubPath).RequireAuthorization(Policies.Clinician);
    }

    private static bool IsHubWithToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HubPath) && context.Request.Query.ContainsKey("access_token");
}
