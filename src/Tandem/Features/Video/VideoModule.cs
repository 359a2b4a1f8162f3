using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Video;

public sealed record GuestInviteRequest(
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MaxLength(VideoGuest.NameMaxLength)] string Name,
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MaxLength(VideoGuest.RoleMaxLength)] string Role);

public sealed class VideoModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<VideoOptions>().BindChecked(config, "Video");
        services.AddScoped<VideoRoom>();
        services.AddScoped<VideoGuests>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id:guid}/video", async (Guid id, VideoRoom room, CancellationToken ct) => TypedResults.Ok(await room.GetAsync(id, ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Sessions")
            .WithSummary("The session's call (participants only; everyone else, an admin under break-glass included, 404): whether it is open "
                + "(from 15 minutes before the start until the session is marked over), the ICE servers with this person's own short-lived TURN "
                + "credentials (coturn's shared-secret scheme: username expiry:user, HMAC-SHA1 credential), and who waits, is in or has left. "
                + "Joining, letting in, leaving and the signalling itself go over the real-time hub (/hubs/engagement: JoinVideo, AdmitToVideo, "
                + "LeaveVideo, SetVideoMedia, SendVideoSignal; events VideoRoom, VideoSignal, VideoReplaced, VideoCaption).");

        app.MapPost("/api/sessions/{id:guid}/video/guests", async (Guid id, [Microsoft.AspNetCore.Mvc.FromBody] GuestInviteRequest request, VideoGuests guests, CancellationToken ct) =>
                TypedResults.Created($"/api/sessions/{id}/video", await guests.InviteAsync(id, request.Name, request.Role, ct)))
            .RequireAuthorization(Policies.Therapist).WithTags("Sessions")
            .WithSummary("Invite a guest to the call (therapist): {name, role} (an interpreter, a relay or captioning service) -> {guestId, link, expiresAt}. "
                + "The link is shown once, works once (the first browser to use it is the guest) and until 30 minutes after the session's end; "
                + "a client of the engagement lets the guest in, after seeing who they are.");
        app.MapDelete("/api/sessions/{id:guid}/video/guests/{guestId:guid}", async (Guid id, Guid guestId, VideoGuests guests, CancellationToken ct) =>
            {
                await guests.RevokeAsync(id, guestId, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Therapist).WithTags("Sessions").WithSummary("Withdraw a guest's link (therapist); a guest in the call leaves it.");
        app.MapGet("/api/video/guest", async (HttpContext http, VideoGuests guests, CancellationToken ct) =>
                await guests.FromTicketAsync(http.Request.Cookies[VideoGuests.CookieName], ct) is { } guest
                    ? Results.Ok(await guests.ViewAsync(guest, ct))
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found."))
            .AllowAnonymous().WithTags("Sessions")
            .WithSummary("The call as a guest sees it, for the browser that used the guest link (its guest cookie); 404 otherwise.");
        app.MapHub<VideoGuestHub>("/hubs/video-guest").AllowAnonymous();
    }
}
