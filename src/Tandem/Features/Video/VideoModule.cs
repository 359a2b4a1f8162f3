using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Video;

public sealed class VideoModule : ITandemModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.Configure<VideoOptions>(config.GetSection("Video"));
        services.AddScoped<VideoRoom>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{id:guid}/video", async (Guid id, VideoRoom room, CancellationToken ct) => TypedResults.Ok(await room.GetAsync(id, ct)))
            .RequireAuthorization(Policies.Clinician).WithTags("Sessions")
            .WithSummary("The session's call (participants only; everyone else, an admin under break-glass included, 404): whether it is open "
                + "(from 15 minutes before the start until the session is marked over), the ICE servers with this person's own short-lived TURN "
                + "credentials (coturn's shared-secret scheme: username expiry:user, HMAC-SHA1 credential), and who waits, is in or has left. "
                + "Joining, letting in, leaving and the signalling itself go over the real-time hub (/hubs/engagement: JoinVideo, AdmitToVideo, "
                + "LeaveVideo, SetVideoMedia, SendVideoSignal; events VideoRoom, VideoSignal, VideoReplaced).");
    }
}
