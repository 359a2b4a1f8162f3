using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

/// <summary>
/// The one place that decides who may see an engagement and its records: its current
/// participants. Anyone else (another client, another therapist, the practice admin, anyone
/// in another practice) gets "not found", and the refusal is audited.
/// Shared records (plan, agenda, shared notes, messages) are for every participant; personal
/// records (questionnaire responses, private reflections) for their author and the therapists.
/// </summary>
public sealed class EngagementAccess(TandemDbContext db, CurrentUser me, AuditTrail audit)
{
    public async Task<Engagement> RequireParticipantAsync(Guid engagementId, string purposeObject = "Engagement", CancellationToken ct = default)
    {
        var engagement = await db.Engagements.Include(e => e.Participants).FirstOrDefaultAsync(e => e.Id == engagementId, ct);
        if (engagement is null || !me.IsSignedIn || engagement.ParticipantFor(me.Id) is null)
        {
            await RefuseAsync(engagementId, purposeObject, ct);
        }

        return engagement!;
    }

    public async Task<Engagement> RequireTherapistAsync(Guid engagementId, string purposeObject = "Engagement", CancellationToken ct = default)
    {
        var engagement = await RequireParticipantAsync(engagementId, purposeObject, ct);
        if (!engagement.IsTherapist(me.Id))
        {
            await RefuseAsync(engagementId, purposeObject, ct);
        }

        return engagement;
    }

    /// <summary>A personal record is visible to the person it belongs to and to the engagement's therapists.</summary>
    public static bool CanSeePersonal(Engagement engagement, Guid ownerUserId, Guid viewerId) =>
        ownerUserId == viewerId || engagement.IsTherapist(viewerId);

    private async Task RefuseAsync(Guid engagementId, string objectType, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = objectType,
            ObjectId = engagementId.ToString(),
            DataCategory = AuditCategories.Clinical,
            Outcome = AuditOutcome.Refused,
            Purpose = AuditPurposes.AccessControl,
        }, ct);
        throw DomainException.NotFound();
    }
}
