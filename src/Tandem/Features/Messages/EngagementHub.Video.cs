using Microsoft.AspNetCore.SignalR;
using Tandem.Features.Video;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Messages;

/// <summary>
/// Online sessions over the same channel (issue 23): the browsers of a session's call find each other here. Each call
/// re-checks participation (<see cref="VideoRoom"/>): a session that is not the caller's is "Not found." (audited), as
/// everywhere else. Signalling messages are relayed unread to the one connection in the call they are for.
/// </summary>
public sealed partial class EngagementHub
{
    public Task<VideoRoomView> JoinVideo(Guid sessionId) => VideoCallAsync(() => video.JoinAsync(sessionId, Context.ConnectionId, Context.ConnectionAborted));

    public Task AdmitToVideo(Guid sessionId, Guid userId) => VideoCallAsync(() => video.AdmitAsync(sessionId, userId, Context.ConnectionAborted));

    public Task LeaveVideo(Guid sessionId) => VideoCallAsync(() => video.LeaveAsync(sessionId, null, Context.ConnectionAborted));

    public Task SetVideoMedia(Guid sessionId, bool audioOn, bool videoOn) =>
        VideoCallAsync(() => video.SetMediaAsync(sessionId, audioOn, videoOn, Context.ConnectionAborted));

    public Task SendVideoSignal(Guid sessionId, Guid toUserId, string kind, string payload) =>
        VideoCallAsync(() => video.RelayAsync(sessionId, Context.ConnectionId, toUserId, kind, payload, Context.ConnectionAborted));

    /// <summary>A closed connection leaves whichever call it was in (the others see the person go).</summary>
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        UseCaller();
        if (me.IsSignedIn)
        {
            try
            {
                await video.ConnectionClosedAsync(Context.ConnectionId, CancellationToken.None);
            }
            catch (DomainException)
            {
                // No longer a participant (removed while in the call): nothing to leave.
            }
        }

        await base.OnDisconnectedAsync(exception);
    }

    private async Task VideoCallAsync(Func<Task> call) => await VideoCallAsync(async () =>
    {
        await call();
        return true;
    });

    private async Task<T> VideoCallAsync<T>(Func<Task<T>> call)
    {
        UseCaller();
        try
        {
            return await call();
        }
        catch (DomainException e)
        {
            throw new HubException(e.Kind == DomainError.NotFound ? "Not found." : e.Message);
        }
    }
}
