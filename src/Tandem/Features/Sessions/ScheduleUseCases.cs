using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Sessions;

public sealed record ScheduleSessionCommand(DateTimeOffset StartsAt, int DurationMinutes, string Location);

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

    public async Task<SessionView> ScheduleAsync(Guid engagementId, ScheduleSessionCommand command, CancellationToken ct = default)
    {
        var engagement = await engagements.RequireTherapistAsync(engagementId, "Session", ct);
        engagement.EnsureWritable();
        var now = time.GetUtcNow();
        var session = Session.Schedule(engagement, me.Id, command.StartsAt, command.DurationMinutes, command.Location, now);
        db.Set<Session>().Add(session);
        db.Set<SharedNote>().Add(SharedNote.For(session, now));
        audit.Stage(SessionAudit.Of(AuditAction.Create, "Session", session.Id, engagementId));
        await db.SaveChangesAsync(ct);
        return await ViewAsync(session, engagement, ct);
    }

    public async Task<SessionView> RescheduleAsync(Guid sessionId, ScheduleSessionCommand command, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "Session", ct, tracked: true);
        engagement.EnsureNotEnded();
        session.Reschedule(command.StartsAt, command.DurationMinutes, command.Location, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "Session", session.Id, engagement.Id));
        await SaveAsync(ct);
        await events.PublishAsync(engagement, session.Id, SessionChange.Session, ct);
        return await ViewAsync(session, engagement, ct);
    }

    public async Task<SessionView> ChangeStatusAsync(Guid sessionId, SessionStatus status, CancellationToken ct = default)
    {
        var (session, engagement) = await sessions.RequireTherapistAsync(sessionId, "Session", ct, tracked: true);
        engagement.EnsureNotEnded();
        session.ChangeStatus(status, time.GetUtcNow());
        audit.Stage(SessionAudit.Of(AuditAction.Update, "Session", session.Id, engagement.Id));
        await SaveAsync(ct);
        await events.PublishAsync(engagement, session.Id, SessionChange.Session, ct);
        return await ViewAsync(session, engagement, ct);
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
        return rows.OrderBy(s => s.StartsAt).Select(s => new SessionSummary(
            s.Id, s.EngagementId, titles.GetValueOrDefault(s.EngagementId, ""), s.StartsAt, s.EndsAt, s.DurationMinutes, s.Location, s.LocationKind, s.Status,
            notes.TryGetValue(s.Id, out var n) ? (n.SignedAt is not null ? "Signed" : n.Written ? "Draft" : "Empty") : "Empty",
            agenda.GetValueOrDefault(s.Id))).ToList();
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
            engagementView.MyRole);
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
            : await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }
}
