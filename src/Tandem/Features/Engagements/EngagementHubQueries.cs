using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Measures;
using Tandem.Features.Measures.Scoring;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Engagements;

/// <summary>A session as the engagement's page lists it: when, where, and how far its note is.</summary>
public sealed record HubSession(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Location, LocationKind LocationKind, SessionStatus Status, string NoteStatus, int AgendaCount);

/// <summary>
/// A person's latest score on PHQ-9 or GAD-7 beside the one before it. Direction is "better",
/// "worse" or "same" (lower is better on both); Reliable says whether the change since the first
/// score reaches the measure's reliable-change threshold.
/// </summary>
public sealed record HubScore(Guid PersonId, string PersonName, string InstrumentId, string Name, int Latest, int MaxTotal, string? Band, DateTimeOffset At, int? Previous, string? Direction, int Count, int First, int ReliableChange);

/// <summary>The engagement as a hub (issue 21): sessions, latest scores, unread messages, one read for the whole card set.</summary>
public sealed record EngagementHubView(
    HubSession? Next,
    HubSession? Last,
    IReadOnlyList<HubSession> RecentNotes,
    IReadOnlyList<HubScore> Scores,
    int UpcomingCount);

public sealed class EngagementHubQueries(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public const int NotesShown = 3;

    public async Task<EngagementHubView> GetAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "EngagementHub", ct);
        var now = time.GetUtcNow();
        var isTherapist = engagement.IsTherapist(me.Id);

        // The next session is the first planned one not yet over (one that is under way counts).
        var longest = now.AddMinutes(-Session.MaxDuration);
        var next = (await db.Set<Session>().AsNoTracking()
            .Where(s => s.EngagementId == engagementId && s.Status == SessionStatus.Scheduled && s.StartsAt > longest)
            .OrderBy(s => s.StartsAt).Take(5).ToListAsync(ct)).FirstOrDefault(s => s.EndsAt > now);
        var upcoming = await db.Set<Session>().AsNoTracking()
            .CountAsync(s => s.EngagementId == engagementId && s.Status == SessionStatus.Scheduled && s.StartsAt > now, ct);
        var past = await db.Set<Session>().AsNoTracking()
            .Where(s => s.EngagementId == engagementId && s.StartsAt <= now && s.Status != SessionStatus.Cancelled)
            .OrderByDescending(s => s.StartsAt).Take(NotesShown).ToListAsync(ct);
        var sessionIds = past.Select(s => s.Id).Concat(next is null ? [] : [next.Id]).ToList();
        var notes = await db.Set<SharedNote>().AsNoTracking().Where(n => sessionIds.Contains(n.SessionId))
            .Select(n => new { n.SessionId, n.SignedAt, Written = n.Body != "" }).ToDictionaryAsync(n => n.SessionId, ct);
        var agenda = await db.Set<AgendaItem>().AsNoTracking().Where(a => sessionIds.Contains(a.SessionId))
            .GroupBy(a => a.SessionId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        HubSession View(Session s) => new(s.Id, s.StartsAt, s.EndsAt, s.Location, s.LocationKind, s.Status,
            notes.TryGetValue(s.Id, out var n) ? (n.SignedAt is not null ? "Signed" : n.Written ? "Draft" : "Empty") : "Empty",
            agenda.GetValueOrDefault(s.Id));

        // Scores: a therapist sees each client's; a client only their own (never a partner's).
        var people = isTherapist ? engagement.Clients.Select(c => c.UserId).ToList() : [me.Id];
        var measures = new[] { StandardMeasure.Phq9, StandardMeasure.Gad7 };
        var instrumentIds = measures.Select(m => m.InstrumentId).ToList();
        var rows = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.Total != null && people.Contains(r.RespondentId) && instrumentIds.Contains(r.InstrumentId))
            .OrderBy(r => r.SubmittedAt)
            .Select(r => new { r.RespondentId, r.InstrumentId, r.SubmittedAt, Total = r.Total!.Value, r.Band })
            .Take(2000)
            .ToListAsync(ct);
        var names = await db.DisplayNamesAsync(people, ct);
        var scores = new List<HubScore>();
        foreach (var person in people)
        {
            foreach (var m in measures)
            {
                var series = rows.Where(r => r.RespondentId == person && r.InstrumentId == m.InstrumentId).ToList();
                if (series.Count == 0)
                {
                    continue;
                }

                var latest = series[^1];
                int? previous = series.Count > 1 ? series[^2].Total : null;
                var direction = previous is { } p ? (latest.Total < p ? "better" : latest.Total > p ? "worse" : "same") : null;
                scores.Add(new HubScore(person, names.GetValueOrDefault(person, "Former member"), m.InstrumentId, m.Name, latest.Total, m.MaxTotal, latest.Band,
                    latest.SubmittedAt, previous, direction, series.Count, series[0].Total, m.ReliableChange));
            }
        }

        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "EngagementHub",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);

        var last = past.FirstOrDefault(s => s.Id != next?.Id);
        return new EngagementHubView(
            next is null ? null : View(next),
            last is null ? null : View(last),
            past.Select(View).Where(s => s.Status == SessionStatus.Completed || s.NoteStatus != "Empty").ToList(),
            scores,
            upcoming);
    }
}
