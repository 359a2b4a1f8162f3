using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

public sealed record CalendarFeedLink(string Url, DateTimeOffset CreatedAt);

/// <summary>
/// Calendar feeds (iCalendar, RFC 5545) of a person's sessions. No clinical content: every
/// event is "Session (Tandem)" with its time and place, nothing else (no names, no titles,
/// no notes); an online session in Tandem also carries its room's link, a page that needs sign-in. Times carry the viewer's own time zone (TZID plus its VTIMEZONE), so a calendar
/// app shows them right on both sides of a daylight-saving change.
/// </summary>
public sealed class CalendarFeeds(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, LinkBuilder links)
{
    public const string EventTitle = "Session (Tandem)";

    /// <summary>How far back a feed reaches; calendar apps keep what they already have.</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(92);

    /// <summary>The signed-in participant's feed of one engagement (API.md path).</summary>
    public async Task<string> ForEngagementAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "CalendarFeed", ct);
        var ics = await BuildAsync([engagement.Id], me.TimeZone, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "CalendarFeed",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Personal,
        }, ct);
        return ics;
    }

    /// <summary>
    /// The subscribable feed: whoever holds the token reads its owner's sessions across their
    /// current engagements. Revoked tokens, deactivated people and unknown tokens are all 404.
    /// </summary>
    /// <returns>The feed, or null for a token that opens nothing.</returns>
    public async Task<string?> ForTokenAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = CalendarFeedToken.Hash(token);
        using var system = db.Tenant.AsSystem();
        var feed = await db.Set<CalendarFeedToken>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null, ct);
        var owner = feed is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == feed.UserId && u.PracticeId == feed.PracticeId, ct);
        if (feed is null || owner is null || !owner.IsActive)
        {
            return null;
        }

        using var practice = db.Tenant.Use(feed.PracticeId);
        var engagementIds = await db.Participants.AsNoTracking()
            .Where(p => p.UserId == owner.Id && p.LeftAt == null && p.PracticeId == feed.PracticeId)
            .Select(p => p.EngagementId).ToListAsync(ct);
        var ics = await BuildAsync(engagementIds, owner.TimeZone, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "CalendarFeed",
            ObjectId = feed.Id.ToString(),
            DataCategory = AuditCategories.Personal,
            PracticeId = feed.PracticeId,
            UserId = owner.Id,
            Role = "CalendarFeedToken",
            SubjectUserId = owner.Id,
        }, ct);
        return ics;
    }

    /// <summary>Creates the caller's feed link, revoking any earlier one. The link is shown once; only its hash is kept.</summary>
    public async Task<CalendarFeedLink> CreateLinkAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await RevokeExistingAsync(now, ct);
        var (token, secret) = CalendarFeedToken.Issue(me.PracticeId, me.Id, now);
        db.Set<CalendarFeedToken>().Add(token);
        audit.Stage(new AuditEvent { Action = AuditAction.Create, ObjectType = "CalendarFeedToken", ObjectId = token.Id.ToString(), DataCategory = AuditCategories.Security, SubjectUserId = me.Id });
        await db.SaveChangesAsync(ct);
        return new CalendarFeedLink($"{links.Base}/api/calendar/{secret}.ics", now);
    }

    public async Task<bool> HasLinkAsync(CancellationToken ct = default)
    {
        var myId = me.Id;
        return await db.Set<CalendarFeedToken>().AnyAsync(t => t.UserId == myId && t.RevokedAt == null, ct);
    }

    public async Task RevokeLinkAsync(CancellationToken ct = default)
    {
        if (await RevokeExistingAsync(time.GetUtcNow(), ct))
        {
            audit.Stage(new AuditEvent { Action = AuditAction.Delete, ObjectType = "CalendarFeedToken", DataCategory = AuditCategories.Security, SubjectUserId = me.Id });
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<bool> RevokeExistingAsync(DateTimeOffset now, CancellationToken ct)
    {
        var myId = me.Id;
        var existing = await db.Set<CalendarFeedToken>().Where(t => t.UserId == myId && t.RevokedAt == null).ToListAsync(ct);
        existing.ForEach(t => t.Revoke(now));
        return existing.Count > 0;
    }

    private async Task<string> BuildAsync(IReadOnlyCollection<Guid> engagementIds, string zoneId, CancellationToken ct)
    {
        var since = time.GetUtcNow() - History;
        var sessions = await db.Set<Session>().AsNoTracking()
            .Where(s => engagementIds.Contains(s.EngagementId) && s.StartsAt >= since)
            .OrderBy(s => s.StartsAt).Take(1000).ToListAsync(ct);
        return Serialize(sessions, TimeZones.IsKnown(zoneId) ? zoneId : "UTC", time.GetUtcNow(), links.Base);
    }

    /// <summary>
    /// What an online session in Tandem says in a calendar or an email: its room's page, which asks for sign-in (never a
    /// token in the link, so a forwarded invitation or a shared calendar opens nothing by itself).
    /// </summary>
    public static string JoinSentence(string baseUrl, Guid sessionId) =>
        $"Join online in Tandem from {(int)Session.VideoOpensBefore.TotalMinutes} minutes before the start: {RoomLink(baseUrl, sessionId)} (you will be asked to sign in).";

    public static string RoomLink(string baseUrl, Guid sessionId) => $"{baseUrl}/sessions/{sessionId}";

    /// <param name="baseUrl">Tandem's public address, for the room link of online sessions in Tandem (none: the place's words only).</param>
    internal static string Serialize(IEnumerable<Session> sessions, string zoneId, DateTimeOffset now, string? baseUrl = null)
    {
        var list = sessions.ToList();
        // PUBLISH: a read-only copy of the schedule (RFC 5546), not an invitation to answer.
        var calendar = new Calendar { ProductId = ProductId, Method = "PUBLISH" };
        calendar.AddProperty("CALSCALE", "GREGORIAN");
        calendar.AddProperty("X-WR-CALNAME", "Tandem sessions");
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        var zone = TimeZones.Find(zoneId);
        var utc = zoneId == "UTC";
        if (!utc)
        {
            var from = list.Count == 0 ? now : list.Min(s => s.StartsAt);
            var to = list.Count == 0 ? now : list.Max(s => s.EndsAt);
            calendar.AddTimeZone(CalendarText.TimeZone(zoneId, zone, from < now ? from : now, to > now ? to : now));
        }

        foreach (var session in list)
        {
            var start = TimeZoneInfo.ConvertTime(session.StartsAt, zone).DateTime;
            var end = TimeZoneInfo.ConvertTime(session.EndsAt, zone).DateTime;
            var room = session.IsVideo && baseUrl is not null ? RoomLink(baseUrl, session.Id) : null;
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{session.Id:N}@tandem",
                Summary = EventTitle,
                // One line of printable text: a control character (a NUL, a line break) never reaches a calendar file, whatever was stored before.
                Location = room ?? new string(Infrastructure.Input.StoredText.WithoutBidiControls(session.Location).Where(c => !char.IsControl(c)).ToArray()),
                Url = room is null ? null : new Uri(room),
                Description = room is null ? null : JoinSentence(baseUrl!, session.Id),
                DtStart = utc ? new CalDateTime(session.StartsAt.UtcDateTime, "UTC") : new CalDateTime(start, zoneId),
                DtEnd = utc ? new CalDateTime(session.EndsAt.UtcDateTime, "UTC") : new CalDateTime(end, zoneId),
                DtStamp = new CalDateTime(now.UtcDateTime, "UTC"),
                Status = session.Status == SessionStatus.Cancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
                Sequence = session.Version,
                Class = "PRIVATE",
            });
        }

        return CalendarText.Fold(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }

    public const string ProductId = "-//Tandem//Sessions//EN";
}
