using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Practices;
using Tandem.Features.Sessions;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

/// <summary>A session on the therapist's Today: who, when, where, and the agenda items already added.</summary>
public sealed record TodaySession(
    Guid Id,
    Guid EngagementId,
    string EngagementTitle,
    string Clients,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Location,
    LocationKind LocationKind,
    SessionStatus Status,
    IReadOnlyList<string> Agenda,
    int AgendaCount);

/// <summary>One engagement in the caseload list, with its clients named and its next and last session.</summary>
public sealed record CaseloadRow(
    Guid Id,
    string Title,
    string Clients,
    IReadOnlyList<string> CoTherapists,
    EngagementFormat Format,
    EngagementStatus Status,
    bool AllClientsSigned,
    DateTimeOffset? NextSession,
    DateTimeOffset? LastSession);

/// <summary>
/// The therapist's day (issue 21): today's sessions, the rest of the coming week, and the caseload
/// sorted by next session with ended engagements left out unless asked for. Days are the viewer's own.
/// </summary>
public sealed record TodayView(
    DateOnly Date,
    string TimeZone,
    IReadOnlyList<TodaySession> Today,
    IReadOnlyList<TodaySession> ComingDays,
    IReadOnlyList<CaseloadRow> Engagements,
    int EndedCount);

public sealed class TodayQueries(TandemDbContext db, CurrentUser me, EngagementQueries engagements, AuditTrail audit, TimeProvider time, Infrastructure.Caching.ViewCache cache)
{
    /// <summary>How many agenda items of a session are quoted; the room shows them all.</summary>
    public const int AgendaShown = 3;

    /// <summary>"This week" is the six days after today: on a Friday the therapist sees Monday too.</summary>
    public const int ComingDaysShown = 6;

    public Task<TodayView> GetAsync(bool includeEnded = false, CancellationToken ct = default) =>
        cache.GetAsync("today", includeEnded ? "ended" : "", () => MakeAsync(includeEnded, ct), ct);

    private async Task<TodayView> MakeAsync(bool includeEnded, CancellationToken ct)
    {
        var zone = me.TimeZone;
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZones.ToLocal(now, zone).DateTime);
        var dayStart = LocalClock.ToUtc(today, TimeOnly.MinValue, zone);
        var tomorrow = LocalClock.ToUtc(today.AddDays(1), TimeOnly.MinValue, zone);
        var weekEnd = LocalClock.ToUtc(today.AddDays(1 + ComingDaysShown), TimeOnly.MinValue, zone);

        var mine = await engagements.MineAsync(record: false, ct);
        var ids = mine.Select(e => e.Id).ToList();
        var clients = mine.ToDictionary(e => e.Id, e => ClientNames(e));

        var sessions = ids.Count == 0
            ? []
            : await db.Set<Session>().AsNoTracking()
                .Where(s => ids.Contains(s.EngagementId) && s.StartsAt >= dayStart && s.StartsAt < weekEnd && s.Status != SessionStatus.Cancelled)
                .OrderBy(s => s.StartsAt)
                .Take(200)
                .ToListAsync(ct);
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var agenda = sessionIds.Count == 0
            ? []
            : (await db.Set<AgendaItem>().AsNoTracking().Where(a => sessionIds.Contains(a.SessionId))
                .OrderBy(a => a.Position).ThenBy(a => a.CreatedAt)
                .Select(a => new { a.SessionId, a.Text }).ToListAsync(ct))
                .GroupBy(a => a.SessionId).ToDictionary(g => g.Key, g => g.Select(a => a.Text).ToList());

        // Next and last session of each engagement, for sorting and the list, in one read.
        var bounds = ids.Count == 0
            ? []
            : await db.Set<Session>().AsNoTracking()
                .Where(s => ids.Contains(s.EngagementId)
                    && ((s.Status == SessionStatus.Scheduled && s.StartsAt >= dayStart) || s.Status == SessionStatus.Completed))
                .GroupBy(s => s.EngagementId)
                .Select(g => new
                {
                    g.Key,
                    Next = g.Where(s => s.Status == SessionStatus.Scheduled).Min(s => (DateTimeOffset?)s.StartsAt),
                    Last = g.Where(s => s.Status == SessionStatus.Completed).Max(s => (DateTimeOffset?)s.StartsAt),
                })
                .ToDictionaryAsync(g => g.Key, g => (g.Next, g.Last), ct);

        var titles = mine.ToDictionary(e => e.Id, e => e.Title);
        var rows = sessions.Select(s =>
        {
            var items = agenda.GetValueOrDefault(s.Id) ?? [];
            return new TodaySession(s.Id, s.EngagementId, titles.GetValueOrDefault(s.EngagementId, ""), clients.GetValueOrDefault(s.EngagementId, ""),
                s.StartsAt, s.EndsAt, s.Location, s.LocationKind, s.Status, items.Take(AgendaShown).ToList(), items.Count);
        }).ToList();

        var caseload = mine
            .Where(e => includeEnded || e.Status != EngagementStatus.Ended)
            .Select(e => new CaseloadRow(e.Id, e.Title, clients[e.Id],
                e.Participants.Where(p => p.Role == "Therapist" && p.UserId != me.Id).Select(p => p.DisplayName).ToList(),
                e.Format, e.Status, e.AllClientsSigned,
                bounds.GetValueOrDefault(e.Id).Next,
                bounds.GetValueOrDefault(e.Id).Last))
            .OrderBy(r => r.Status == EngagementStatus.Ended ? 2 : r.Status == EngagementStatus.Paused ? 1 : 0)
            .ThenBy(r => r.NextSession ?? DateTimeOffset.MaxValue)
            .ThenBy(r => r.Clients, StringComparer.CurrentCulture)
            .ToList();

        // One view, a read of each engagement it shows, in its clients' access log (a list entry and its members): "Today" for an engagement with
        // sessions this week (the sessions, their agenda and its row in the caseload), "EngagementList" for one shown
        // only as a row. An ended engagement the page only counts is not read.
        // (An empty day and caseload is one entry without an engagement: the therapist's own trail still shows the look.)
        var withSessions = sessions.Select(s => s.EngagementId).ToHashSet();
        var rowsOnly = caseload.Where(r => !withSessions.Contains(r.Id)).Select(r => r.Id).ToList();
        if (withSessions.Count > 0 || rowsOnly.Count == 0)
        {
            await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "Today", DataCategory = AuditCategories.Clinical },
                mine.Where(e => withSessions.Contains(e.Id)).Select(e => e.Id), ct);
        }

        if (rowsOnly.Count > 0)
        {
            await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "EngagementList", DataCategory = AuditCategories.Clinical }, rowsOnly, ct);
        }

        return new TodayView(today, zone,
            rows.Where(s => s.StartsAt < tomorrow).ToList(),
            rows.Where(s => s.StartsAt >= tomorrow).ToList(),
            caseload,
            mine.Count(e => e.Status == EngagementStatus.Ended));
    }

    /// <summary>The engagement's clients by name ("Jordan and Riley"); an engagement nobody joined yet says so.</summary>
    public static string ClientNames(EngagementView e)
    {
        var names = e.Participants.Where(p => p.Role == "Client").Select(p => p.DisplayName).ToList();
        return names.Count switch
        {
            0 => "No client yet",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " and " + names[^1],
        };
    }
}
