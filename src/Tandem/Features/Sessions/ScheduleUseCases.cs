using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Sessions;

public sealed record ScheduleSessionCommand(DateTimeOffset StartsAt, int DurationMinutes, string? Location, SessionRepeat Repeat = SessionRepeat.Once, DateOnly? Until = null, int? Count = null, SessionMode? Mode = null);

/// <summary>Scheduling: a therapist plans, reschedules and closes sessions; every participant lists and opens them.</summary>
public sealed class ScheduleUseCases(
    TandemDbContext db,
    EngagementAccess engagements,
    SessionAccess sessions,
    EngagementQueries engagementQueries,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    SessionEvents events)
{
    public const int ListLimit = 200;

    /// <summary>One session, or a weekly/fortnightly series (each its own session, tied by a series id), in one transaction.</summary>
    public async Task<SessionView> ScheduleAsync(Guid engagementId, ScheduleSessionCommand command, CancellationToken ct = default)
    {
        var engagement = await engagements.RequireTherapistAsync(engagementId, "Session", ct);
        engagement.EnsureWritable();
        var now = time.GetUtcNow();
        var starts = SessionSeries.Starts(command.StartsAt, command.Repeat, command.Until, command.Count, me.TimeZone);
        var seriesId = command.Repeat == SessionRepeat.Once ? (Guid?)null : Guid.CreateVersion7(now);
        var planned = starts.Select(start => Session.Schedule(engagement, me.Id, start, command.DurationMinutes, command.Location, now, seriesId, command.Mode)).ToList();
        if (seriesId is not null)
        {
            await EnsureNoClashAsync(planned, ct);
        }

        foreach (var session in planned)
        {
            db.Set<Session>().Add(session);
            db.Set<SharedNote>().Add(SharedNote.For(session, now));
            var created = SessionAudit.Of(AuditAction.Create, "Session", session.Id, engagementId);
            audit.Stage(seriesId is null ? created : created with { Purpose = "series" });
        }

        await db.SaveChangesAsync(ct);
        return await ViewAsync(planned[0], engagement, ct);
    }

    /// <summary>A series must not overlap a session the therapist already has planned, in any of their engagements.</summary>
    private async Task EnsureNoClashAsync(List<Session> planned, CancellationToken ct)
    {
        var myId = me.Id;
        var from = planned[0].StartsAt.AddMinutes(-Session.MaxDuration);
        var to = planned[^1].EndsAt;
        var existing = await db.Set<Session>().AsNoTracking()
            .Where(s => s.Status == SessionStatus.Scheduled && s.StartsAt > from && s.StartsAt < to)
            .Where(s => db.Participants.Any(p => p.EngagementId == s.EngagementId && p.UserId == myId && p.LeftAt == null && p.Role == ParticipantRole.Therapist))
            .Select(s => new { s.StartsAt, s.DurationMinutes })
            .ToListAsync(ct);
        foreach (var session in planned)
        {
            var clash = existing.FirstOrDefault(e => e.StartsAt < session.EndsAt && session.StartsAt < e.StartsAt.AddMinutes(e.DurationMinutes));
            if (clash is not null)
            {
                var local = me.Local(clash.StartsAt);
                throw new DomainException(
                    $"You already have a session on {LocalClock.ShortDay(local)} at {LocalClock.Time(local)}, which this series would overlap. Choose another time or end the series earlier. Nothing was scheduled.",
                    DomainError.Conflict);
            }
        }
    }

    public async Task<SessionView> RescheduleAsync(Guid sessionId, ScheduleSessionCommand command, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "Session", ct, tracked: true);
        engagement.EnsureNotEnded();
        session.Reschedule(command.StartsAt, command.DurationMinutes, command.Location, time.GetUtcNow(), command.Mode);
        // Written even when it was already empty as read: a reminder may have been queued for the old time since (its claim
        // does not move the version), and the new time needs its own.
        db.Entry(session).Property(s => s.ReminderQueuedAt).IsModified = true;
        audit.Stage(SessionAudit.Of(AuditAction.Update, "Session", session.Id, engagement.Id) with { Purpose = "reschedule" });
        await SaveAsync(ct);
        await events.PublishAsync(engagement, session.Id, SessionChange.Session, ct);
        return await ViewAsync(session, engagement, ct);
    }

    public async Task<SessionView> ChangeStatusAsync(Guid sessionId, SessionStatus status, bool late = false, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "Session", ct, tracked: true);
        engagement.EnsureNotEnded();
        session.ChangeStatus(status, time.GetUtcNow(), late);
        audit.Stage(SessionAudit.Of(AuditAction.Update, "Session", session.Id, engagement.Id));
        await SaveAsync(ct);
        await events.PublishAsync(engagement, session.Id, SessionChange.Session, ct);
        return await ViewAsync(session, engagement, ct);
    }

    /// <summary>Cancels this session and the later ones of its series that are still planned and have not started. Returns how many.</summary>
    public async Task<int> CancelRestOfSeriesAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "Session", ct);
        engagement.EnsureNotEnded();
        if (session.SeriesId is not { } seriesId)
        {
            throw new DomainException("This session is not part of a series. Cancel it on its own instead.", DomainError.Conflict);
        }

        var now = time.GetUtcNow();
        var from = session.StartsAt > now ? session.StartsAt : now;
        var rest = await db.Set<Session>()
            .Where(s => s.SeriesId == seriesId && s.EngagementId == engagement.Id && s.Status == SessionStatus.Scheduled && s.StartsAt >= from)
            .ToListAsync(ct);
        foreach (var later in rest)
        {
            later.ChangeStatus(SessionStatus.Cancelled, now);
            audit.Stage(SessionAudit.Of(AuditAction.Update, "Session", later.Id, engagement.Id) with { Purpose = "cancel-series" });
        }

        if (rest.Count > 0)
        {
            await SaveAsync(ct);
            foreach (var later in rest)
            {
                await events.PublishAsync(engagement, later.Id, SessionChange.Session, ct);
            }
        }
        else
        {
            await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "Session", session.Id, engagement.Id) with { Purpose = "cancel-series" }, ct);
        }

        return rest.Count;
    }

    public async Task<SessionView> GetAsync(Guid sessionId, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireParticipantAsync(sessionId, "Session", ct);
        var view = await ViewAsync(session, engagement, ct);
        await audit.RecordAsync(SessionAudit.Of(AuditAction.Read, "Session", session.Id, engagement.Id), ct);
        return view;
    }

    /// <summary>One engagement's sessions in a time window (default: everything), oldest first, at most <see cref="ListLimit"/>.</summary>
    public async Task<IReadOnlyList<SessionSummary>> ForEngagementAsync(Guid engagementId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        var engagement = await engagements.RequireParticipantAsync(engagementId, "SessionList", ct);
        var list = await SummariesAsync([engagement.Id], new Dictionary<Guid, string> { [engagement.Id] = engagement.Title }, from, to, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "SessionList",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return list;
    }

    /// <summary>
    /// The caller's next session across their current engagements (one still going on counts: the person may be looking
    /// for how to join), for the home page, which then reads that one session with <see cref="GetAsync"/>. Nothing is
    /// shown from this look-up itself, so it records no read of its own; the schedule's whole list is not read for it.
    /// </summary>
    public async Task<Guid?> NextIdForMeAsync(DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var myId = me.Id;
        var candidates = await db.Set<Session>().AsNoTracking()
            .Where(s => s.Status == SessionStatus.Scheduled && s.StartsAt >= from && s.StartsAt < to
                && db.Participants.Any(p => p.EngagementId == s.EngagementId && p.UserId == myId && p.LeftAt == null))
            .OrderBy(s => s.StartsAt)
            .Take(ListLimit)
            .Select(s => new { s.Id, s.StartsAt, s.DurationMinutes })
            .ToListAsync(ct);
        return candidates.FirstOrDefault(s => s.StartsAt.AddMinutes(s.DurationMinutes) > now)?.Id;
    }

    /// <summary>The caller's sessions across all their current engagements (the schedule).</summary>
    public async Task<IReadOnlyList<SessionSummary>> MineAsync(DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        var myId = me.Id;
        var mine = await db.Engagements.AsNoTracking()
            .Where(e => e.Participants.Any(p => p.UserId == myId && p.LeftAt == null))
            .Select(e => new { e.Id, e.Title })
            .ToListAsync(ct);
        var list = await SummariesAsync(mine.Select(e => e.Id).ToList(), mine.ToDictionary(e => e.Id, e => e.Title), from, to, ct);
        await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "Schedule", DataCategory = AuditCategories.Clinical }, list.Select(s => s.EngagementId), ct);
        return list;
    }

    private async Task<IReadOnlyList<SessionSummary>> SummariesAsync(List<Guid> engagementIds, Dictionary<Guid, string> titles, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var query = db.Set<Session>().AsNoTracking().Where(s => engagementIds.Contains(s.EngagementId));
        if (from is { } f)
        {
            query = query.Where(s => s.StartsAt >= f);
        }

        if (to is { } t)
        {
            query = query.Where(s => s.StartsAt < t);
        }

        // Newest window first when the list is long, returned oldest first.
        var rows = await query.OrderByDescending(s => s.StartsAt).Take(ListLimit).ToListAsync(ct);
        var ids = rows.Select(s => s.Id).ToList();
        var notes = await db.Set<SharedNote>().AsNoTracking().Where(n => ids.Contains(n.SessionId))
            .Select(n => new { n.SessionId, n.SignedAt, Written = n.Body != "" }).ToDictionaryAsync(n => n.SessionId, ct);
        var agenda = await db.Set<AgendaItem>().AsNoTracking().Where(a => ids.Contains(a.SessionId))
            .GroupBy(a => a.SessionId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var withSessions = rows.Select(s => s.EngagementId).Distinct().ToList();
        var clients = (await db.Participants.AsNoTracking()
                .Where(p => withSessions.Contains(p.EngagementId) && p.Role == ParticipantRole.Client && p.LeftAt == null)
                .Join(db.Users, p => p.UserId, u => u.Id, (p, u) => new { p.EngagementId, u.DisplayName })
                .ToListAsync(ct))
            .GroupBy(c => c.EngagementId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.DisplayName).Order(StringComparer.Ordinal).ToList());
        return rows.OrderBy(s => s.StartsAt).Select(s => new SessionSummary(
            s.Id, s.EngagementId, titles.GetValueOrDefault(s.EngagementId, ""), s.StartsAt, s.EndsAt, s.DurationMinutes, s.Location, s.LocationKind, s.Status,
            notes.TryGetValue(s.Id, out var n) ? (n.SignedAt is not null ? "Signed" : n.Written ? "Draft" : "Empty") : "Empty",
            agenda.GetValueOrDefault(s.Id))
        {
            SeriesId = s.SeriesId,
            MovedFrom = s.MovedFrom,
            CancelledLate = s.CancelledLate,
            ClientNames = clients.GetValueOrDefault(s.EngagementId, []),
        }).ToList();
    }

    internal async Task<SessionView> ViewAsync(Session session, Engagement engagement, CancellationToken ct)
    {
        var engagementView = (await engagementQueries.ToViewsAsync([engagement], ct))[0];
        var items = await db.Set<AgendaItem>().AsNoTracking().Where(a => a.SessionId == session.Id)
            .OrderBy(a => a.Position).ThenBy(a => a.CreatedAt).ToListAsync(ct);
        var note = await db.Set<SharedNote>().AsNoTracking().Where(n => n.SessionId == session.Id)
            .Select(n => new { n.SignedAt, Written = n.Body != "" }).FirstOrDefaultAsync(ct);
        var names = await People.NamesAsync(db, items.Select(i => i.AuthorId), ct);
        return new SessionView(
            session.Id, engagement.Id, engagement.Title, session.StartsAt, session.EndsAt, session.DurationMinutes, session.Location, session.LocationKind, session.Status,
            note is null ? "Empty" : note.SignedAt is not null ? "Signed" : note.Written ? "Draft" : "Empty",
            items.Select(i => new AgendaItemView(i.Id, i.Kind, i.Text, i.AuthorId, names.GetValueOrDefault(i.AuthorId, "Former member"),
                engagement.Participants.FirstOrDefault(p => p.UserId == i.AuthorId)?.Role.ToString() ?? "", i.Position, i.CreatedAt)).ToList(),
            engagementView.Participants,
            engagementView.MyRole)
        {
            SeriesId = session.SeriesId,
            MovedFrom = session.MovedFrom,
            CancelledLate = session.CancelledLate,
        };
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else changed this session at the same moment. Reload and try again.", DomainError.PreconditionFailed);
        }
    }
}

internal static class People
{
    public static async Task<Dictionary<Guid, string>> NamesAsync(TandemDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return list.Count == 0
            ? []
            : await db.DisplayNamesAsync(list, ct);
    }
}
