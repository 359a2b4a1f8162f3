using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Tandem.Infrastructure.Errors;

namespace Tandem.Features.Video;

/// <summary>
/// The call's channel for guests (issue 23) at <c>/hubs/video-guest</c>: no account, so no sign-in; each call is the guest
/// named by the browser's guest cookie (set when they used their one-time link), and only for that guest's session. Without
/// a valid cookie every method answers "Not found.". Nothing of the record is reachable here: only the call.
/// </summary>
[AllowAnonymous]
public sealed class VideoGuestHub(VideoGuests guests) : Hub
{
    public Task<VideoRoomView> JoinVideo(Guid sessionId) => AsGuestAsync(g => guests.JoinAsync(g, sessionId, Context.ConnectionId, Context.ConnectionAborted));

    public Task LeaveVideo(Guid sessionId) => AsGuestAsync(async g =>
    {
        await guests.LeaveAsync(g, sessionId, null, Context.ConnectionAborted);
        return true;
    });

    public Task SetVideoMedia(Guid sessionId, bool audioOn, bool videoOn) => AsGuestAsync(async g =>
    {
        await guests.SetMediaAsync(g, sessionId, audioOn, videoOn, Context.ConnectionAborted);
        return true;
    });

    public Task SendVideoSignal(Guid sessionId, Guid toUserId, string kind, string payload) => AsGuestAsync(async g =>
    {
        await guests.RelayAsync(g, sessionId, Context.ConnectionId, toUserId, kind, payload, Context.ConnectionAborted);
        return true;
    });

    public Task SendCaption(Guid sessionId, string text) => AsGuestAsync(async g =>
    {
        await guests.CaptionAsync(g, sessionId, text, Context.ConnectionAborted);
        return true;
    });

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        // The connection is already closing: its own token is cancelled, so this runs to the end on its own.
        if (await GuestAsync(CancellationToken.None) is { } guest)
        {
            try
            {
                await guests.LeaveAsync(guest, guest.SessionId, Context.ConnectionId, CancellationToken.None);
            }
            catch (DomainException)
            {
                // The link was withdrawn or expired meanwhile: nothing to leave.
            }
        }

        await base.OnDisconnectedAsync(exception);
    }

    private async Task<VideoGuest?> GuestAsync(CancellationToken ct) =>
        await guests.FromTicketAsync(Context.GetHttpContext()?.Request.Cookies[VideoGuests.CookieName], ct);

    private async Task<T> AsGuestAsync<T>(Func<VideoGuest, Task<T>> call)
    {
        var guest = await GuestAsync(Context.ConnectionAborted) ?? throw new HubException("Not found.");
        try
        {
            return await call(guest);
        }
        catch (DomainException e)
        {
            throw new HubException(e.Kind == DomainError.NotFound ? "Not found." : e.Message);
        }
    }
}
