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
    IHubContext<EngagementHub> hub)
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
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "OnlineSession", ct);
        var person = await db.Set<VideoParticipant>().FirstOrDefaultAsync(p => p.SessionId == sessionId && p.UserId == userId, ct)
            ?? throw new DomainException("Nobody by that name is waiting.", DomainError.NotFound);
        person.Admit(me.Id, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "OnlineSessionAdmitted", session.Id, engagement.Id) with { SubjectUserId = userId });
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
        var target = inCall.FirstOrDefault(p => p.UserId == toUserId && toUserId != myId)?.ConnectionId;
        if (!inCall.Any(p => p.UserId == myId && p.ConnectionId == connectionId) || target is null)
        {
            throw new DomainException("Not found.", DomainError.NotFound);
        }

        // To the connection that is the person's now (with the Redis backplane, on whichever node holds it).
        await hub.Clients.Client(target).SendAsync("VideoSignal", sessionId, myId, kind, payload, ct);
        Interlocked.Increment(ref _relayed);
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
        var rows = await db.Set<VideoParticipant>().AsNoTracking().Where(p => p.SessionId == session.Id).ToListAsync(ct);
        var ids = rows.Select(r => r.UserId).ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var people = People(rows, names);
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
    private async Task BroadcastAsync(Guid sessionId, CancellationToken ct)
    {
        var rows = await db.Set<VideoParticipant>().AsNoTracking().Where(p => p.SessionId == sessionId).ToListAsync(ct);
        var ids = rows.Select(r => r.UserId).ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var people = People(rows, names);
        var connections = rows.Where(r => r.State != VideoState.Left && r.ConnectionId is not null).Select(r => r.ConnectionId!).ToList();
        if (connections.Count > 0)
        {
            await hub.Clients.Clients(connections).SendAsync("VideoRoom", sessionId, people, ct);
        }
    }

    private static List<VideoPersonView> People(List<VideoParticipant> rows, Dictionary<Guid, string> names) =>
        rows.OrderBy(r => r.Role).ThenBy(r => r.FirstJoinedAt)
            .Select(r => new VideoPersonView(r.UserId, names.GetValueOrDefault(r.UserId, "Someone"), r.Role.ToString(), r.State.ToString(), r.AudioOn, r.VideoOn, r.LastJoinedAt)).ToList();
}
