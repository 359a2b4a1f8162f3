using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Video;

public sealed record GuestInvitation(Guid GuestId, string Name, string Role, string Link, DateTimeOffset ExpiresAt);

/// <summary>What a guest link says before it is used: who is invited, to which session (no names of the people in it).</summary>
public sealed record GuestInvitationView(string Name, string Role, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Refusal);

/// <summary>
/// Guests of a call (issue 23): a therapist invites an interpreter or a relay or captioning service with a one-time,
/// time-boxed link; opening it and pressing Join holds the place for that browser (a guest cookie, protected and
/// time-limited); a client lets the guest in. Every step is audited under the engagement; refusals too.
/// </summary>
public sealed class VideoGuests(
    TandemDbContext db,
    SessionAccess sessions,
    CurrentUser me,
    TenantContext tenant,
    AuditTrail audit,
    TimeProvider time,
    IOptions<VideoOptions> options,
    IDataProtectionProvider protection,
    LinkBuilder links,
    VideoRoom room)
{
    public const string CookieName = "tandem-video-guest";

    private ITimeLimitedDataProtector Protector => protection.CreateProtector("Tandem.Video.GuestTicket").ToTimeLimitedDataProtector();

    public async Task<GuestInvitation> InviteAsync(Guid sessionId, string? name, string? role, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "OnlineSessionGuest", ct);
        var (guest, secret) = VideoGuest.Invite(session, me.Id, name, role, time.GetUtcNow());
        db.Set<VideoGuest>().Add(guest);
        audit.Stage(SessionAudit.Of(AuditAction.Create, "OnlineSessionGuestInvited", session.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        return new GuestInvitation(guest.Id, guest.Name, guest.Role, $"{links.Base}/video/guest/{secret}", guest.ExpiresAt);
    }

    public async Task RevokeAsync(Guid sessionId, Guid guestId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "OnlineSessionGuest", ct);
        var guest = await db.Set<VideoGuest>().FirstOrDefaultAsync(g => g.SessionId == sessionId && g.Id == guestId, ct) ?? throw DomainException.NotFound();
        var connection = guest.ConnectionId;
        guest.Revoke(time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Delete, "OnlineSessionGuestInvited", session.Id, engagement.Id));
        await db.SaveChangesAsync(ct);
        await room.BroadcastAsync(sessionId, ct);
    }

    /// <summary>The invitation behind a link, for the page that asks the guest to join (nothing is used up by looking).</summary>
    /// <summary>A link that cannot be used (unknown, used, withdrawn, expired) is a refusal, audited.</summary>
    public async Task<GuestInvitationView?> LookAsync(string secret, CancellationToken ct = default)
    {
        var guest = await FindBySecretAsync(secret, ct);
        if (guest is null)
        {
            await RefusedAsync(null, ct);
            return null;
        }

        var session = await SessionOfAsync(guest, ct);
        var refusal = guest.Refusal(time.GetUtcNow()) ?? (guest.ClaimedAt is not null ? "This guest link was already used. Ask the therapist for a new one." : null);
        if (refusal is not null)
        {
            await RefusedAsync(guest, ct);
        }

        return new GuestInvitationView(guest.Name, guest.Role, session.StartsAt, session.EndsAt, refusal);
    }

    /// <summary>Uses the link: from now on this browser (the returned ticket, kept as a cookie) is the guest. Refused (audited) when used, withdrawn or expired.</summary>
    public async Task<(string Ticket, DateTimeOffset ExpiresAt)> ClaimAsync(string secret, CancellationToken ct = default)
    {
        var guest = await FindBySecretAsync(secret, ct);
        if (guest is null)
        {
            await RefusedAsync(null, ct);
            throw new DomainException("This guest link is not valid. Ask the therapist for a new one.", DomainError.NotFound);
        }

        using (tenant.Use(guest.PracticeId))
        {
            try
            {
                guest.Claim(time.GetUtcNow());
            }
            catch (DomainException)
            {
                await RefusedAsync(guest, ct);
                throw;
            }

            audit.Stage(SessionAudit.Of(AuditAction.Execute, "OnlineSessionGuestLinkUsed", guest.SessionId, guest.EngagementId));
            await db.SaveChangesAsync(ct);
        }

        return (Protector.Protect(guest.Id.ToString("N"), guest.ExpiresAt), guest.ExpiresAt);
    }

    /// <summary>The guest a ticket names, while its link still holds (null otherwise).</summary>
    public async Task<VideoGuest?> FromTicketAsync(string? ticket, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        string id;
        try
        {
            id = Protector.Unprotect(ticket, out _);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        if (!Guid.TryParseExact(id, "N", out var guestId))
        {
            return null;
        }

        using (tenant.AsSystem())
        {
            var guest = await db.Set<VideoGuest>().FirstOrDefaultAsync(g => g.Id == guestId, ct);
            return guest is not null && guest.ClaimedAt is not null && guest.Refusal(time.GetUtcNow()) is null ? guest : null;
        }
    }

    public async Task<VideoRoomView> ViewAsync(VideoGuest guest, CancellationToken ct = default)
    {
        using (tenant.Use(guest.PracticeId))
        {
            var session = await SessionOfAsync(guest, ct);
            var (people, _, _) = await room.PeopleAsync(session.Id, ct);
            var closed = room.ClosedReason(session, time.GetUtcNow());
            audit.Stage(SessionAudit.Of(AuditAction.Read, "OnlineSessionGuestRoom", session.Id, guest.EngagementId));
            await db.SaveChangesAsync(ct);
            var o = options.Value;
            return new VideoRoomView(session.Id, session.Mode.ToString(), session.IsVideo, closed is null, session.VideoOpensAt, closed, guest.Id, "Guest",
                guest.LastJoinedAt is null ? null : guest.State.ToString(), TurnCredentials.Servers(o, guest.Id.ToString("N"), time.GetUtcNow()),
                o.IceTransportPolicy == "relay" ? "relay" : "all", people);
        }
    }

    public async Task<VideoRoomView> JoinAsync(VideoGuest guest, Guid sessionId, string connectionId, CancellationToken ct = default)
    {
        using (tenant.Use(guest.PracticeId))
        {
            var tracked = await TrackedAsync(guest, sessionId, ct);
            var session = await SessionOfAsync(tracked, ct);
            if (room.ClosedReason(session, time.GetUtcNow()) is { } closed)
            {
                throw new DomainException(closed, DomainError.Conflict);
            }

            tracked.Arrive(connectionId, time.GetUtcNow());
            audit.Stage(SessionAudit.Of(AuditAction.Execute, "OnlineSessionGuestJoined", session.Id, tracked.EngagementId));
            await db.SaveChangesAsync(ct);
            await room.BroadcastAsync(session.Id, ct);
        }

        return await ViewAsync(guest, ct);
    }

    public async Task LeaveAsync(VideoGuest guest, Guid sessionId, string? connectionId, CancellationToken ct = default)
    {
        using (tenant.Use(guest.PracticeId))
        {
            var tracked = await TrackedAsync(guest, sessionId, ct);
            if (tracked.Leave(connectionId, time.GetUtcNow()))
            {
                audit.Stage(SessionAudit.Of(AuditAction.Execute, "OnlineSessionGuestLeft", sessionId, tracked.EngagementId));
                await db.SaveChangesAsync(ct);
                await room.BroadcastAsync(sessionId, ct);
            }
        }
    }

    public async Task SetMediaAsync(VideoGuest guest, Guid sessionId, bool audioOn, bool videoOn, CancellationToken ct = default)
    {
        using (tenant.Use(guest.PracticeId))
        {
            var tracked = await TrackedAsync(guest, sessionId, ct);
            tracked.SetMedia(audioOn, videoOn);
            await db.SaveChangesAsync(ct);
            await room.BroadcastAsync(sessionId, ct);
        }
    }

    /// <summary>A signalling message from a guest in the call to someone else in it.</summary>
    public async Task RelayAsync(VideoGuest guest, Guid sessionId, string connectionId, Guid toId, string kind, string payload, CancellationToken ct = default)
    {
        if (!VideoRoom.SignalKinds.Contains(kind ?? "") || payload is null || payload.Length > VideoRoom.SignalMaxLength)
        {
            throw new DomainException("Not a signalling message Tandem relays.", DomainError.Invalid);
        }

        using (tenant.Use(guest.PracticeId))
        {
            var tracked = await TrackedAsync(guest, sessionId, ct);
            if (tracked.State != VideoState.Admitted || tracked.ConnectionId != connectionId || toId == guest.Id
                || !await room.SendToAsync(sessionId, toId, "VideoSignal", [sessionId, guest.Id, kind, payload], ct))
            {
                throw DomainException.NotFound();
            }
        }
    }

    /// <summary>A line of live captions from a guest in the call, to everyone in it. Never stored.</summary>
    public async Task CaptionAsync(VideoGuest guest, Guid sessionId, string text, CancellationToken ct = default)
    {
        var line = new string((text ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (line.Length is 0 or > 500)
        {
            throw new DomainException("A caption is one line of 1 to 500 characters.", DomainError.Invalid);
        }

        using (tenant.Use(guest.PracticeId))
        {
            var tracked = await TrackedAsync(guest, sessionId, ct);
            if (tracked.State != VideoState.Admitted)
            {
                throw new DomainException("Captions can be sent once you are in the call.", DomainError.Conflict);
            }

            await room.SendToAllAsync(sessionId, "VideoCaption", [sessionId, $"{tracked.Name}", line], ct);
        }
    }

    private async Task<VideoGuest> TrackedAsync(VideoGuest guest, Guid sessionId, CancellationToken ct)
    {
        var tracked = await db.Set<VideoGuest>().FirstOrDefaultAsync(g => g.Id == guest.Id && g.SessionId == sessionId, ct);
        return tracked is not null && tracked.Refusal(time.GetUtcNow()) is null ? tracked : throw DomainException.NotFound();
    }

    private async Task<Session> SessionOfAsync(VideoGuest guest, CancellationToken ct)
    {
        using (tenant.Use(guest.PracticeId))
        {
            return await db.Set<Session>().AsNoTracking().FirstAsync(s => s.Id == guest.SessionId, ct);
        }
    }

    private async Task<VideoGuest?> FindBySecretAsync(string secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100)
        {
            return null;
        }

        var hash = VideoGuest.Hash(secret);
        using (tenant.AsSystem())
        {
            return await db.Set<VideoGuest>().FirstOrDefaultAsync(g => g.TokenHash == hash, ct);
        }
    }

    private async Task RefusedAsync(VideoGuest? guest, CancellationToken ct)
    {
        using (guest is null ? tenant.AsSystem() : tenant.Use(guest.PracticeId))
        {
            await audit.RecordAsync(new AuditEvent
            {
                Action = AuditAction.Execute,
                ObjectType = "OnlineSessionGuestLinkUsed",
                ObjectId = guest?.SessionId.ToString(),
                EngagementId = guest?.EngagementId,
                PracticeId = guest?.PracticeId ?? Guid.Empty,
                DataCategory = AuditCategories.Clinical,
                Outcome = AuditOutcome.Refused,
                Purpose = AuditPurposes.AccessControl,
            }, ct);
        }
    }
}
