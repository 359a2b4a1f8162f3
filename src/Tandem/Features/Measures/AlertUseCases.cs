using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Measures.Scoring;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

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
    DateTimeOffset? AcknowledgedAt);

/// <summary>The therapist's alert list and acknowledgement. Alerts are for therapists only; every read and acknowledgement is audited.</summary>
public sealed class AlertUseCases(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, InstrumentCatalog catalog)
{
    public const int PageSize = 200;

    /// <summary>Open alerts of every engagement the caller is a therapist in, newest first (risk first).</summary>
    public async Task<IReadOnlyList<AlertView>> OpenForMeAsync(CancellationToken ct = default)
    {
        if (!me.IsTherapist)
        {
            throw DomainException.NotFound();
        }

        var myId = me.Id;
        var mine = db.Participants.Where(p => p.UserId == myId && p.LeftAt == null && p.Role == ParticipantRole.Therapist).Select(p => p.EngagementId);
        var alerts = await db.Set<MeasureAlert>().AsNoTracking()
            .Where(a => a.AcknowledgedAt == null && mine.Contains(a.EngagementId))
            .OrderByDescending(a => a.RaisedAt).Take(PageSize).ToListAsync(ct);
        // Each alert is about one client: the read shows in that client's access log (and not their partner's).
        await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "MeasureAlertList", DataCategory = AuditCategories.Clinical },
            alerts.Select(a => (a.EngagementId, (Guid?)a.SubjectUserId)), ct);
        return (await ViewsAsync(alerts, ct)).OrderBy(a => a.Kind == AlertKind.Risk ? 0 : 1).ThenByDescending(a => a.RaisedAt).ToList();
    }

    public async Task<AlertView> AcknowledgeAsync(Guid alertId, CancellationToken ct = default)
    {
        var alert = await db.Set<MeasureAlert>().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        await access.RequireTherapistAsync(alert?.EngagementId ?? Guid.Empty, "MeasureAlert", ct);
        alert!.Acknowledge(me.Id, time.GetUtcNow());
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "MeasureAlert",
            ObjectId = alert.Id.ToString(),
            EngagementId = alert.EngagementId,
            SubjectUserId = alert.SubjectUserId,
            DataCategory = AuditCategories.Clinical,
        });
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync([alert], ct))[0];
    }

    internal async Task<IReadOnlyList<AlertView>> ViewsAsync(IReadOnlyList<MeasureAlert> alerts, CancellationToken ct)
    {
        var engagementIds = alerts.Select(a => a.EngagementId).Distinct().ToList();
        var userIds = alerts.Select(a => a.SubjectUserId).Distinct().ToList();
        var titles = await db.Engagements.AsNoTracking().Where(e => engagementIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Title, ct);
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return alerts.Select(a => new AlertView(
            a.Id, a.EngagementId, titles.GetValueOrDefault(a.EngagementId, ""), a.SubjectUserId, names.GetValueOrDefault(a.SubjectUserId, "Former member"),
            a.InstrumentId, catalog.Find(a.InstrumentId)?.Title ?? a.InstrumentId, a.Kind, a.Rule, a.RaisedAt, a.AcknowledgedAt)).ToList();
    }
}
