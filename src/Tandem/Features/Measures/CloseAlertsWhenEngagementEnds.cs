using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Scoring;

namespace Tandem.Features.Measures;

/// <summary>
/// When an engagement ends, the alerts about how the work is going ("not on track", a
/// collaboration concern) no longer ask anything of the therapist: Tandem closes them and says
/// why. Safety signals (risk, deterioration, relapse) stay open until a person acknowledges them:
/// a client leaving worse than they came is exactly what a therapist must not miss.
/// </summary>
internal sealed class CloseAlertsWhenEngagementEnds(TandemDbContext db, AuditTrail audit) : IEngagementEndedStep
{
    private static readonly AlertKind[] AboutTheWork = [AlertKind.NotOnTrack, AlertKind.CollaborationConcern];

    public async Task OnEndedAsync(Engagement engagement, DateTimeOffset at, CancellationToken ct)
    {
        var open = await db.Set<MeasureAlert>()
            .Where(a => a.EngagementId == engagement.Id && a.AcknowledgedAt == null && a.ClosedAt == null && AboutTheWork.Contains(a.Kind))
            .ToListAsync(ct);
        foreach (var alert in open)
        {
            alert.CloseBecause($"Closed by Tandem: the engagement ended on {at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.", at);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = "MeasureAlert",
                ObjectId = alert.Id.ToString(),
                EngagementId = alert.EngagementId,
                SubjectUserId = alert.SubjectUserId,
                DataCategory = AuditCategories.Clinical,
            });
        }
    }
}
