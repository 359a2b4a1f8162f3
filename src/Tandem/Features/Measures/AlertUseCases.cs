using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Measures;

public sealed record AlertView(
    Guid Id,
    Guid EngagementId,
    string EngagementTitle,
    Guid SubjectUserId,
    string SubjectName,
    string InstrumentId,
    string InstrumentTitle,
    AlertKind Kind,
    string Rule,
    DateTimeOffset RaisedAt,
    DateTimeOffset? AcknowledgedAt)
{
    public DateTimeOffset? ClosedAt { get; init; }

    public string? ClosedReason { get; init; }
}

/// <summary>Which open alerts a therapist asks for: a page of them, optionally one client's, one kind, or ended engagements too.</summary>
public sealed record AlertFilter(int Page = 1, Guid? ClientId = null, AlertKind? Kind = null, bool IncludeEnded = false)
{
    public int SafePage => Math.Max(1, Page);
}

/// <summary>
/// One page of a therapist's open alerts. Every open risk alert is on the first page, first,
/// whatever the page size (risk is never cut); the other alerts follow, newest first, a page at a
/// time. The counts are of everything open, not of the page.
/// </summary>
public sealed record AlertPage(IReadOnlyList<AlertView> Alerts, int Page, int PageSize, int OpenCount, int RiskCount, bool HasMore)
{
    public IEnumerable<AlertView> Risk => Alerts.Where(a => a.Kind == AlertKind.Risk);

    /// <summary>The other alerts, grouped by the client they are about (the client with the newest alert first).</summary>
    public IEnumerable<IGrouping<(Guid SubjectUserId, string SubjectName), AlertView>> OthersByClient =>
        Alerts.Where(a => a.Kind != AlertKind.Risk).GroupBy(a => (a.SubjectUserId, a.SubjectName));
}

/// <summary>
/// The therapist's open alerts at a glance, for the card on Today: counted in the database, how many about risk, and the
/// first <see cref="Named"/> clients they are about (risk first); <see cref="MoreClients"/> are counted, not named.
/// </summary>
public sealed record AlertSummary(int OpenCount, int RiskCount, IReadOnlyList<AlertClientGroup> Clients, int MoreClients = 0)
{
    /// <summary>How many clients the card on Today names (risk first); the others are counted, not named.</summary>
    public const int Named = 8;
}

/// <summary>One client's open alerts in one engagement: how many about risk, and the kinds of the others.</summary>
public sealed record AlertClientGroup(Guid SubjectUserId, string Name, Guid EngagementId, int RiskCount, int OtherCount, IReadOnlyList<AlertKind> OtherKinds);

/// <summary>The therapist's alert list and acknowledgement. Alerts are for therapists only; every read and acknowledgement is audited.</summary>
public sealed class AlertUseCases(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, InstrumentCatalog catalog, Infrastructure.Caching.ViewCache cache)
{
    public const int PageSize = 50;

    /// <summary>How long alerts Tandem closed stay listed (with their reason) on the alerts page.</summary>
    public static readonly TimeSpan RecentlyClosedFor = TimeSpan.FromDays(14);

    /// <summary>Open alerts of every engagement the caller is a therapist in: all risk alerts first, then the others newest first, a page at a time.</summary>
    public Task<AlertPage> OpenForMeAsync(AlertFilter? filter = null, CancellationToken ct = default)
    {
        filter ??= new AlertFilter();
        return cache.GetAsync("alerts", filter.ToString(), () => MakeOpenForMeAsync(filter, ct), ct);
    }

    private async Task<AlertPage> MakeOpenForMeAsync(AlertFilter filter, CancellationToken ct)
    {
        var open = OpenOfMine(filter);
        var riskCount = await open.CountAsync(a => a.Kind == AlertKind.Risk, ct);
        var otherCount = await open.CountAsync(a => a.Kind != AlertKind.Risk, ct);

        // Risk is never cut by a page size: every open risk alert is on the first page.
        var risk = filter.SafePage == 1
            ? await open.Where(a => a.Kind == AlertKind.Risk).OrderByDescending(a => a.RaisedAt).ToListAsync(ct)
            : [];
        var skip = (filter.SafePage - 1) * PageSize;
        var others = await open.Where(a => a.Kind != AlertKind.Risk).OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id)
            .Skip(skip).Take(PageSize).ToListAsync(ct);
        var shown = risk.Concat(others).ToList();
        await RecordReadsAsync(shown, ct);
        var views = await ViewsAsync(shown, ct);
        return new AlertPage(views, filter.SafePage, PageSize, riskCount + otherCount, riskCount, skip + others.Count < otherCount);
    }

    /// <summary>
    /// Counts for a home card. It names clients, so it is audited like the list, for the clients it names: the first
    /// <see cref="AlertSummary.Named"/> (risk first); the rest are only counted ("and 17 more clients"), so their names
    /// are not read and no read of theirs is recorded (issue 25: a caseload of 25 recorded 25 reads for 8 names shown).
    /// </summary>
    public Task<AlertSummary> SummaryForMeAsync(CancellationToken ct = default) =>
        cache.GetAsync("alert-summary", "", () => MakeSummaryForMeAsync(ct), ct);

    private async Task<AlertSummary> MakeSummaryForMeAsync(CancellationToken ct)
    {
        var open = OpenOfMine(new AlertFilter());
        // Whom they are about, risk first: one row per client, engagement and kind (a few dozen at most on a caseload).
        // The counts are the sums of these rows, from the same read; only a caseload with more rows than are fetched
        // counts again in the database, so risk is never missed in the count.
        const int Fetched = 500;
        var groups = await open.GroupBy(a => new { a.SubjectUserId, a.EngagementId, a.Kind })
            .Select(g => new { g.Key.SubjectUserId, g.Key.EngagementId, g.Key.Kind, Count = g.Count() })
            .Take(Fetched).ToListAsync(ct);
        var (riskCount, openCount) = groups.Count < Fetched
            ? (groups.Where(g => g.Kind == AlertKind.Risk).Sum(g => g.Count), groups.Sum(g => g.Count))
            : (await open.CountAsync(a => a.Kind == AlertKind.Risk, ct), await open.CountAsync(ct));
        if (openCount == 0)
        {
            return new AlertSummary(0, 0, []);
        }

        // Every client's name is needed to put them in order (risk first, then by name); only the named ones are shown.
        var ids = groups.Select(g => g.SubjectUserId).Distinct().ToList();
        var names = await db.DisplayNamesAsync(ids, ct);
        var clients = groups.GroupBy(g => (g.SubjectUserId, g.EngagementId))
            .Select(g => new AlertClientGroup(g.Key.SubjectUserId, names.GetValueOrDefault(g.Key.SubjectUserId, "Former member"), g.Key.EngagementId,
                g.Where(x => x.Kind == AlertKind.Risk).Sum(x => x.Count),
                g.Where(x => x.Kind != AlertKind.Risk).Sum(x => x.Count),
                g.Where(x => x.Kind != AlertKind.Risk).Select(x => x.Kind).Distinct().Order().ToList()))
            .OrderByDescending(c => c.RiskCount > 0).ThenBy(c => c.Name, StringComparer.CurrentCulture)
            .ToList();
        var named = clients.Take(AlertSummary.Named).ToList();
        await RecordReadsAsync(named.Select(c => (c.EngagementId, c.SubjectUserId)), "MeasureAlertSummary", ct);
        return new AlertSummary(openCount, riskCount, named, clients.Count - named.Count);
    }

    /// <summary>Alerts Tandem closed in the last two weeks, with the reason, so a therapist can see why one went away.</summary>
    public Task<IReadOnlyList<AlertView>> RecentlyClosedForMeAsync(CancellationToken ct = default) =>
        cache.GetAsync("alerts-closed", "", () => MakeRecentlyClosedForMeAsync(ct), ct);

    private async Task<IReadOnlyList<AlertView>> MakeRecentlyClosedForMeAsync(CancellationToken ct)
    {
        RequireTherapist();
        var since = time.GetUtcNow() - RecentlyClosedFor;
        var closed = await db.Set<MeasureAlert>().AsNoTracking()
            .Where(a => a.ClosedAt != null && a.ClosedAt >= since && Mine().Contains(a.EngagementId))
            .OrderByDescending(a => a.ClosedAt).Take(PageSize).ToListAsync(ct);
        await RecordReadsAsync(closed, ct);
        return await ViewsAsync(closed, ct);
    }

    public async Task<AlertView> AcknowledgeAsync(Guid alertId, CancellationToken ct = default) =>
        await ChangeAsync(alertId, (alert, now) => alert.Acknowledge(me.Id, now), ct);

    /// <summary>Takes back one's own acknowledgement within a minute: the alert is open again.</summary>
    public async Task<AlertView> UndoAcknowledgementAsync(Guid alertId, CancellationToken ct = default) =>
        await ChangeAsync(alertId, (alert, now) => alert.UndoAcknowledgement(me.Id, now), ct);

    private async Task<AlertView> ChangeAsync(Guid alertId, Action<MeasureAlert, DateTimeOffset> change, CancellationToken ct)
    {
        var alert = await db.Set<MeasureAlert>().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        await access.RequireTherapistAsync(alert?.EngagementId ?? Guid.Empty, "MeasureAlert", ct);
        change(alert!, time.GetUtcNow());
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "MeasureAlert",
            ObjectId = alert!.Id.ToString(),
            EngagementId = alert.EngagementId,
            SubjectUserId = alert.SubjectUserId,
            DataCategory = AuditCategories.Clinical,
        });
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync([alert], ct))[0];
    }

    private void RequireTherapist()
    {
        if (!me.IsTherapist)
        {
            throw DomainException.NotFound();
        }
    }

    private IQueryable<Guid> Mine()
    {
        var myId = me.Id;
        return db.Participants.Where(p => p.UserId == myId && p.LeftAt == null && p.Role == ParticipantRole.Therapist).Select(p => p.EngagementId);
    }

    private IQueryable<MeasureAlert> OpenOfMine(AlertFilter filter)
    {
        RequireTherapist();
        var mine = Mine();
        var open = db.Set<MeasureAlert>().AsNoTracking()
            .Where(a => a.AcknowledgedAt == null && a.ClosedAt == null && mine.Contains(a.EngagementId));
        if (!filter.IncludeEnded)
        {
            // Ended engagements are hidden by default, but never their risk alerts: those wait for a person to look.
            var ended = db.Engagements.Where(e => e.Status == EngagementStatus.Ended).Select(e => e.Id);
            open = open.Where(a => a.Kind == AlertKind.Risk || !ended.Contains(a.EngagementId));
        }
        if (filter.ClientId is { } client)
        {
            open = open.Where(a => a.SubjectUserId == client);
        }

        if (filter.Kind is { } kind)
        {
            open = open.Where(a => a.Kind == kind);
        }

        return open;
    }

    private Task RecordReadsAsync(IReadOnlyList<MeasureAlert> shown, CancellationToken ct) =>
        RecordReadsAsync(shown.Select(a => (a.EngagementId, a.SubjectUserId)), "MeasureAlertList", ct);

    /// <summary>
    /// One read of each client whose alerts were shown, in that client's engagement (one list entry, a member per client:
    /// <see cref="AuditTrail.RecordEachAsync(AuditEvent, IEnumerable{ValueTuple{Guid, Guid?}}, CancellationToken)"/>), so each
    /// client sees in their access log that their alerts were looked at (and not their partner's).
    /// </summary>
    private Task RecordReadsAsync(IEnumerable<(Guid EngagementId, Guid SubjectUserId)> shown, string objectType, CancellationToken ct) =>
        audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = objectType, DataCategory = AuditCategories.Clinical },
            shown.Select(s => (s.EngagementId, (Guid?)s.SubjectUserId)), ct);

    internal async Task<IReadOnlyList<AlertView>> ViewsAsync(IReadOnlyList<MeasureAlert> alerts, CancellationToken ct)
    {
        var engagementIds = alerts.Select(a => a.EngagementId).Distinct().ToList();
        var userIds = alerts.Select(a => a.SubjectUserId).Distinct().ToList();
        if (alerts.Count == 0)
        {
            return [];
        }

        var titles = await db.Engagements.AsNoTracking().Where(e => engagementIds.Contains(e.Id))
            .Select(e => new { e.Id, e.Title }).ToDictionaryAsync(e => e.Id, e => e.Title, ct);
        var names = await db.DisplayNamesAsync(userIds, ct);
        return alerts.Select(a => new AlertView(
            a.Id, a.EngagementId, titles.GetValueOrDefault(a.EngagementId, ""), a.SubjectUserId, names.GetValueOrDefault(a.SubjectUserId, "Former member"),
            a.InstrumentId, catalog.Find(a.InstrumentId)?.Title ?? a.InstrumentId, a.Kind, a.Rule, a.RaisedAt, a.AcknowledgedAt)
        {
            ClosedAt = a.ClosedAt,
            ClosedReason = a.ClosedReason,
        }).ToList();
    }
}
