using Microsoft.AspNetCore.Mvc;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Notifications;

public sealed record NotificationPreferencesRequest(bool? NewMessages, bool? Invitations, bool? ProposalsWaiting, bool? MeasuresDue, bool? SessionReminders);

/// <summary>Notification emails (through the mail outbox) and each person's choice of them.</summary>
public sealed class NotificationsModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<NotificationOptions>().BindChecked(config, "Notifications");
        services.AddScoped<Notifier>();
        services.AddScoped<NotificationPreferenceUseCases>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me/notifications").WithTags("Notifications").RequireAuthorization(Policies.SignedIn);
        me.MapGet("", async (NotificationPreferenceUseCases u, CancellationToken ct) => TypedResults.Ok(await u.GetAsync(ct)))
            .WithSummary("Which notification emails the caller gets (all on until changed).");
        me.MapPut("", async ([FromBody] NotificationPreferencesRequest request, NotificationPreferenceUseCases u, CancellationToken ct) =>
            {
                var current = await u.GetAsync(ct);
                // Fields left out keep their current value.
                var wanted = new NotificationPreferencesView(
                    request.NewMessages ?? current.NewMessages,
                    request.Invitations ?? current.Invitations,
                    request.ProposalsWaiting ?? current.ProposalsWaiting,
                    request.MeasuresDue ?? current.MeasuresDue,
                    request.SessionReminders ?? current.SessionReminders);
                return TypedResults.Ok(await u.SetAsync(wanted, ct));
            })
            .WithSummary("Choose notification emails: newMessages, invitations, proposalsWaiting, measuresDue, sessionReminders.");
    }
}
