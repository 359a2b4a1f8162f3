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
public sealed class EngagementAccess(TandemDbContext db, CurrentUser me, AuditTrail audit, BreakGlassContext breakGlass, TimeProvider time)
{
    /// <summary>The engagement last let through in this request, and for whom (see <see cref="RequireParticipantAsync"/>).</summary>
    private (Guid UserId, Engagement Engagement)? _passed;

    public async Task<Engagement> RequireParticipantAsync(Guid engagementId, string purposeObject = "Engagement", CancellationToken ct = default)
    {
        // A page's parts (the page itself, its list, its summary) each check the same engagement in one request: the
        // first check loads it; the others use that same tracked entity, which is what a second query through this
        // context would return anyway (EF hands back the instance it tracks). Only while the request is being answered:
        // a live circuit's scope lasts hours, and there every check asks the database again.
        if (_passed is { } passed && passed.Engagement.Id == engagementId && passed.UserId == me.Id && me.IsSignedIn
            && db.Tenant.Request is { Response.HasStarted: false } && passed.Engagement.ParticipantFor(me.Id) is not null)
        {
            return passed.Engagement;
        }

        var engagement = await db.Engagements.Include(e => e.Participants).FirstOrDefaultAsync(e => e.Id == engagementId, ct);
        if (engagement is null || !me.IsSignedIn || engagement.ParticipantFor(me.Id) is null)
        {
            _passed = null;
            await RefuseAsync(engagementId, purposeObject, ct);
        }

        _passed = (me.Id, engagement!);
        return engagement!;
    }

    /// <summary>
    /// For reads only: participants, or a practice admin during an active break-glass window
    /// for this engagement (then every audit entry of the request says break-glass).
    /// </summary>
    public async Task<Engagement> RequireReaderAsync(Guid engagementId, string purposeObject = "Engagement", CancellationToken ct = default)
    {
        if (me.IsSignedIn && me.IsAdmin)
        {
            var now = time.GetUtcNow();
            var adminId = me.Id;
            var granted = await db.Set<BreakGlassGrant>().AnyAsync(g => g.EngagementId == engagementId && g.AdminId == adminId && g.StartsAt <= now && g.ExpiresAt > now, ct);
            var engagement = granted ? await db.Engagements.Include(e => e.Participants).FirstOrDefaultAsync(e => e.Id == engagementId, ct) : null;
            if (engagement is null)
            {
                await RefuseAsync(engagementId, purposeObject, ct);
            }

            breakGlass.EngagementId = engagementId;
            return engagement!;
        }

        return await RequireParticipantAsync(engagementId, purposeObject, ct);
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

    /// <summary>Refuses (audited, then 404) a request for something that does not exist or is not the caller's.</summary>
    public async Task RefuseAsync(Guid engagementId, string objectType, CancellationToken ct)
    {
        // Within the practice, the refusal is filed under the engagement, so its participants
        // see that someone without access tried (not who). Other practices' ids stay unknown.
        var known = await db.Engagements.AnyAsync(e => e.Id == engagementId, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = objectType,
            ObjectId = engagementId.ToString(),
            EngagementId = known ? engagementId : null,
            DataCategory = AuditCategories.Clinical,
            Outcome = AuditOutcome.Refused,
            Purpose = AuditPurposes.AccessControl,
        }, ct);
        throw DomainException.NotFound();
    }
}
