using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Messages;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Video;

/// <summary>One person of the call. Role and state are names (Therapist, Client; Waiting, Admitted, Left) on the API and the hub alike.</summary>
public sealed record VideoPersonView(Guid UserId, string Name, string Role, string State, bool AudioOn, bool VideoOn, DateTimeOffset LastJoinedAt);

/// <summary>
/// A session's call as one participant sees it: whether it is open, the ICE servers with this person's own short-lived
/// TURN credentials, and who waits, is in or has left. Never a bearer secret: the call is reached by signing in.
/// </summary>
public sealed record VideoRoomView(
    Guid SessionId,
    string Mode,
    bool IsVideo,
    bool IsOpen,
    DateTimeOffset? OpensAt,
    string? ClosedReason,
    Guid MyUserId,
    string MyRole,
    string? MyState,
    IReadOnlyList<IceServer> IceServers,
    string IceTransportPolicy,
    IReadOnlyList<VideoPersonView> People);

/// <summary>
/// Online sessions (issue 23): who may join a session's call (its engagement's current participants only: never an
/// admin, not even under break-glass), the waiting room, and the relay of the browsers' signalling messages over
/// Tandem's own real-time channel (<see cref="EngagementHub"/>, with the Redis backplane across nodes). The audio and
/// video go from browser to browser (or through the practice's own TURN server); nothing is recorded, and no media
/// reaches Tandem. Joining, letting in and leaving are audited and shown in the access log.
/// </summary>
public sealed class VideoRoom(
    TandemDbContext db,
    SessionAccess sessions,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    IOptions<VideoOptions> options,
    IHubContext<EngagementHub> hub,
    IHubContext<VideoGuestHub> guestHub)
{
    /// <summary>The longest signalling message relayed (an offer with many candidates is a few kilobytes).</summary>
    public const int SignalMaxLength = 64 * 1024;

    private static long _relayed;

    /// <summary>Signalling messages this node has relayed since it started (a figure for the operator and the tests).</summary>
    public static long SignalsRelayed => Interlocked.Read(ref _relayed);

    public static readonly IReadOnlySet<string> SignalKinds = new HashSet<string>(StringComparer.Ordinal) { "description", "candidate", "restart" };

    public async Task<VideoRoomView> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "OnlineSessionRoom", ct);
        audit.Stage(SessionAudit.Of(AuditAction.Read, "OnlineSessionRoom", session.Id, engagement.Id));
        var view = await ViewAsync(session, engagement, ct);
        await db.SaveChangesAsync(ct);
        return view;
    }

    /// <summary>Enters the call, or its waiting room; the connection is the one signals for this person go to from now on.</summary>
    public async Task<VideoRoomView> JoinAsync(Guid sessionId, string connectionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "OnlineSession", ct);
        var now = time.GetUtcNow();
        if (ClosedReason(session, now) is { } closed)
        {
            throw new DomainException(closed, DomainError.Conflict);
        }

        var role = engagement.IsTherapist(me.Id) ? VideoRole.Therapist : VideoRole.Client;
        var people = await db.Set<VideoParticipant>().Where(p => p.SessionId == sessionId).ToListAsync(ct);
        var mine = people.FirstOrDefault(p => p.UserId == me.Id);
        var inCall = people.Count(p => p.State == VideoState.Admitted && p.UserId != me.Id);
        if (inCall >= options.Value.MaxParticipants)
        {
            throw new DomainException($"The call already has {options.Value.MaxParticipants} people, the most it takes.", DomainError.Conflict);
        }

        string? replaced = null;
        if (mine is null)
        {
            mine = VideoParticipant.Arrive(session.PracticeId, session.Id, engagement.Id, me.Id, role, connectionId, now);
            db.Set<VideoParticipant>().Add(mine);
            mine.Return(connectionId, now);
        }
        else
        {
            replaced = mine.State != VideoState.Left && mine.ConnectionId != connectionId ? mine.ConnectionId : null;
            mine.Return(connectionId, now);
        }

        var direct = mine.State == VideoState.Waiting && await EntersDirectlyAsync(session, people, ct);
        if (direct)
        {
            // The practice's rule lets the client in, not a therapist's click: nobody is recorded as having let them in.
            mine.Admit(me.Id, now);
        }

        var joined = SessionAudit.Of(AuditAction.Execute, "OnlineSessionJoined", session.Id, engagement.Id);
        audit.Stage(direct ? joined with { Purpose = "direct-entry" } : joined);
        await db.SaveChangesAsync(ct);
        if (replaced is not null)
        {
            // The same person joined from another window or device: the old one stops sending.
            await hub.Clients.Client(replaced).SendAsync("VideoReplaced", sessionId, ct);
        }

        var view = await ViewAsync(session, engagement, ct);
        await BroadcastAsync(session.Id, ct);
        return view;
    }

    /// <summary>
    /// Per practice setting (issue 23), a client enters at once while a therapist is in the call; otherwise, and while
    /// no therapist is in it, the client waits to be let in.
    /// </summary>
    private async Task<bool> EntersDirectlyAsync(Session session, List<VideoParticipant> people, CancellationToken ct)
    {
        if (!people.Any(p => p.Role == VideoRole.Therapist && p.State == VideoState.Admitted && p.UserId != me.Id))
        {
            return false;
        }

        var practiceId = session.PracticeId;
        return await db.Set<PracticeSettings>().AsNoTracking().Where(s => s.PracticeId == practiceId)
            .Select(s => s.ClientsEnterWhenTherapistIsIn).FirstOrDefaultAsync(ct);
    }

    /// <summary>A therapist lets someone in from the waiting room.</summary>
    public async Task AdmitAsync(Guid sessionId, Guid userId, CancellationToken ct = default)
    {
        var guest = await db.Set<VideoGuest>().FirstOrDefaultAsync(g => g.SessionId == sessionId && g.Id == userId && g.RevokedAt == null, ct);
        if (guest is not null)
        {
            await AdmitGuestAsync(sessionId, guest, ct);
            return;
        }

        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "OnlineSession", ct);
        var person = await db.Set<VideoParticipant>().FirstOrDefaultAsync(p => p.SessionId == sessionId && p.UserId == userId, ct)
            ?? throw new DomainException("Nobody by that name is waiting.", DomainError.NotFound);
        person.Admit(me.Id, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "OnlineSessionAdmitted", session.Id, engagement.Id) with { SubjectUserId = userId });
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(session.Id, ct);
    }

    /// <summary>
    /// A guest (an interpreter, a relay or captioning service) is let in by a client of the engagement who is in the call:
    /// the client sees who the guest is before anyone new can see or hear them. A therapist cannot let a guest in alone.
    /// </summary>
    private async Task AdmitGuestAsync(Guid sessionId, VideoGuest guest, CancellationToken ct)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "OnlineSession", ct);
        var myId = me.Id;
        if (!engagement.IsClient(myId))
        {
            throw new DomainException("A client lets a guest in, so they see who the guest is first.", DomainError.Conflict);
        }

        if (!await db.Set<VideoParticipant>().AnyAsync(p => p.SessionId == sessionId && p.UserId == myId && p.State == VideoState.Admitted, ct))
        {
            throw new DomainException("Join the call first.", DomainError.Conflict);
        }

        guest.Admit(myId, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "OnlineSessionGuestAdmitted", session.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(session.Id, ct);
    }

    /// <summary>Leaves the call (the Leave button), or, from a closed connection, only when it was still this person's.</summary>
    public async Task LeaveAsync(Guid sessionId, string? connectionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "OnlineSession", ct);
        var mine = await db.Set<VideoParticipant>().FirstOrDefaultAsync(p => p.SessionId == sessionId && p.UserId == me.Id, ct);
        if (mine is null || !mine.Leave(connectionId, time.GetUtcNow()))
        {
            return;
        }

        audit.Stage(SessionAudit.Of(AuditAction.Execute, "OnlineSessionLeft", session.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(session.Id, ct);
    }

    /// <summary>A connection closed (a closed tab, a lost network, a reload): whichever call it was in, its person leaves it.</summary>
    public async Task ConnectionClosedAsync(string connectionId, CancellationToken ct = default)
    {
        var userId = me.Id;
        var rooms = await db.Set<VideoParticipant>().AsNoTracking()
            .Where(p => p.UserId == userId && p.ConnectionId == connectionId)
            .Select(p => p.SessionId).ToListAsync(ct);
        foreach (var sessionId in rooms)
        {
            await LeaveAsync(sessionId, connectionId, ct);
        }
    }

    public async Task SetMediaAsync(Guid sessionId, bool audioOn, bool videoOn, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "OnlineSession", ct);
        var mine = await db.Set<VideoParticipant>().FirstOrDefaultAsync(p => p.SessionId == sessionId && p.UserId == me.Id && p.State != VideoState.Left, ct)
            ?? throw new DomainException("Join the call first.", DomainError.Conflict);
        mine.SetMedia(audioOn, videoOn);
        await db.SaveChangesAsync(ct);
        await BroadcastAsync(session.Id, ct);
    }

    /// <summary>
    /// A signalling message (a session description, an ICE candidate) from one person in the call to another, relayed
    /// unread. Both must be in the call, the sender from the connection that is theirs now.
    /// </summary>
    public async Task RelayAsync(Guid sessionId, string connectionId, Guid toUserId, string kind, string payload, CancellationToken ct = default)
    {
        if (!SignalKinds.Contains(kind ?? "") || payload is null || payload.Length > SignalMaxLength)
        {
            throw new DomainException("Not a signalling message Tandem relays.", DomainError.Invalid);
        }

        // Still a participant (someone removed from the engagement mid-call is refused, and the refusal audited).
        await sessions.RequireParticipantAsync(sessionId, "OnlineSession", ct);
        var myId = me.Id;
        var inCall = await db.Set<VideoParticipant>().AsNoTracking()
            .Where(p => p.SessionId == sessionId && p.State == VideoState.Admitted && (p.UserId == myId || p.UserId == toUserId))
            .Select(p => new { p.UserId, p.ConnectionId }).ToListAsync(ct);
        if (!inCall.Any(p => p.UserId == myId && p.ConnectionId == connectionId) || toUserId == myId
            || !await SendToAsync(sessionId, toUserId, "VideoSignal", [sessionId, myId, kind, payload], ct))
        {
            throw new DomainException("Not found.", DomainError.NotFound);
        }
    }

    /// <summary>
    /// To the connection that is the person's or guest's now, if they are in the call (with the Redis backplane, on whichever
    /// node holds it). False when they are not.
    /// </summary>
    internal async Task<bool> SendToAsync(Guid sessionId, Guid toId, string method, object?[] args, CancellationToken ct)
    {
        var person = await db.Set<VideoParticipant>().AsNoTracking()
            .Where(p => p.SessionId == sessionId && p.UserId == toId && p.State == VideoState.Admitted).Select(p => p.ConnectionId).FirstOrDefaultAsync(ct);
        if (person is not null)
        {
            await hub.Clients.Client(person).SendCoreAsync(method, args, ct);
        }
        else
        {
            var guest = await db.Set<VideoGuest>().AsNoTracking()
                .Where(g => g.SessionId == sessionId && g.Id == toId && g.State == VideoState.Admitted && g.RevokedAt == null).Select(g => g.ConnectionId).FirstOrDefaultAsync(ct);
            if (guest is null)
            {
                return false;
            }

            await guestHub.Clients.Client(guest).SendCoreAsync(method, args, ct);
        }

        if (method == "VideoSignal")
        {
            Interlocked.Increment(ref _relayed);
        }

        return true;
    }

    /// <summary>Null while the call may be joined; otherwise why not, in words.</summary>
    public string? ClosedReason(Session session, DateTimeOffset now)
    {
        if (!session.IsVideo)
        {
            return "This session is not an online session in Tandem.";
        }

        if (session.Status != SessionStatus.Scheduled)
        {
            return "This session is over, so its call is closed.";
        }

        if (now < session.VideoOpensAt)
        {
            var local = me.Local(session.VideoOpensAt);
            return $"The call opens 15 minutes before the start: on {LocalClock.ShortDay(local)} at {LocalClock.Time(local)}.";
        }

        return null;
    }

    private async Task<VideoRoomView> ViewAsync(Session session, Engagement engagement, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (people, rows, _) = await PeopleAsync(session.Id, ct);
        var closed = ClosedReason(session, now);
        var o = options.Value;
        return new VideoRoomView(
            session.Id,
            session.Mode.ToString(),
            session.IsVideo,
            closed is null,
            session.IsVideo ? session.VideoOpensAt : null,
            closed,
            me.Id,
            (engagement.IsTherapist(me.Id) ? VideoRole.Therapist : VideoRole.Client).ToString(),
            rows.FirstOrDefault(r => r.UserId == me.Id)?.State.ToString(),
            session.IsVideo ? TurnCredentials.Servers(o, me.Id.ToString("N"), now) : [],
            o.IceTransportPolicy == "relay" ? "relay" : "all",
            people);
    }

    /// <summary>Who waits, is in or has left, to everyone still there (names only; ids for the browsers to pair up).</summary>
    internal async Task BroadcastAsync(Guid sessionId, CancellationToken ct) =>
        await SendToAllAsync(sessionId, "VideoRoom", [sessionId, (await PeopleAsync(sessionId, ct)).People], ct, everyoneThere: true);

    /// <summary>To everyone in the call (or, with <paramref name="everyoneThere"/>, also those waiting), people and guests alike.</summary>
    internal async Task SendToAllAsync(Guid sessionId, string method, object?[] args, CancellationToken ct, bool everyoneThere = false)
    {
        var (_, people, guests) = await PeopleAsync(sessionId, ct);
        bool Reached(VideoState state) => state == VideoState.Admitted || (everyoneThere && state == VideoState.Waiting);
        var connections = people.Where(r => Reached(r.State) && r.ConnectionId is not null).Select(r => r.ConnectionId!).ToList();
        if (connections.Count > 0)
        {
            await hub.Clients.Clients(connections).SendCoreAsync(method, args, ct);
        }

        var guestConnections = guests.Where(g => Reached(g.State) && g.ConnectionId is not null).Select(g => g.ConnectionId!).ToList();
        if (guestConnections.Count > 0)
        {
            await guestHub.Clients.Clients(guestConnections).SendCoreAsync(method, args, ct);
        }
    }

    /// <summary>The call's people and guests (a guest only once they have opened their link and come to the call).</summary>
    internal async Task<(List<VideoPersonView> People, List<VideoParticipant> Rows, List<VideoGuest> Guests)> PeopleAsync(Guid sessionId, CancellationToken ct)
    {
        var rows = await db.Set<VideoParticipant>().AsNoTracking().Where(p => p.SessionId == sessionId).ToListAsync(ct);
        var guests = await db.Set<VideoGuest>().AsNoTracking().Where(g => g.SessionId == sessionId && g.LastJoinedAt != null && g.RevokedAt == null).ToListAsync(ct);
        var ids = rows.Select(r => r.UserId).ToList();
        var names = await db.DisplayNamesAsync(ids, ct);
        var people = People(rows, names);
        people.AddRange(guests.OrderBy(g => g.CreatedAt).Select(g =>
            new VideoPersonView(g.Id, $"{g.Name} ({g.Role})", "Guest", g.State.ToString(), g.AudioOn, g.VideoOn, g.LastJoinedAt!.Value)));
        return (people, rows, guests);
    }

    private static List<VideoPersonView> People(List<VideoParticipant> rows, Dictionary<Guid, string> names) =>
        rows.OrderBy(r => r.Role).ThenBy(r => r.FirstJoinedAt)
            .Select(r => new VideoPersonView(r.UserId, names.GetValueOrDefault(r.UserId, "Someone"), r.Role.ToString(), r.State.ToString(), r.AudioOn, r.VideoOn, r.LastJoinedAt)).ToList();
}
