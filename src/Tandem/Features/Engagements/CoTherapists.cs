using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Audit;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Engagements;

public sealed record CoTherapistCandidate(Guid UserId, string DisplayName, string? Pronouns);

/// <summary>
/// A therapist of an engagement brings in a co-therapist: someone who is already an active
/// therapist of the same practice (only the practice admin adds staff), chosen by id, never
/// created by a link. The clients are told by email and see it in their access log, because
/// a new therapist reads their whole record from that moment.
/// </summary>
public sealed class CoTherapists(
    TandemDbContext db,
    EngagementAccess access,
    EngagementQueries queries,
    AuditTrail audit,
    TimeProvider time,
    MailOutbox mail,
    Notifier notifier,
    LinkBuilder links)
{
    public const string AuditObjectType = "CoTherapist";

    private const string NoSuchTherapist = "There is no active therapist of your practice with that id. Only the practice admin adds new staff.";

    /// <summary>The practice's active therapists who are not in the engagement yet (names only: no email, nothing clinical).</summary>
    public async Task<IReadOnlyList<CoTherapistCandidate>> CandidatesAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireTherapistAsync(engagementId, AuditObjectType, ct);
        var inside = engagement.ActiveParticipants.Select(p => p.UserId).ToList();
        var candidates = await db.Users.AsNoTracking()
            .Where(u => u.Role == PersonRole.Therapist && u.IsActive && !inside.Contains(u.Id))
            .OrderBy(u => u.DisplayName)
            .Select(u => new CoTherapistCandidate(u.Id, u.DisplayName, u.Pronouns))
            .Take(500)
            .ToListAsync(ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "CoTherapistCandidates",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Administrative,
        }, ct);
        return candidates;
    }

    public async Task<EngagementView> AddAsync(Guid engagementId, Guid userId, CancellationToken ct = default)
    {
        var engagement = await access.RequireTherapistAsync(engagementId, AuditObjectType, ct);
        engagement.EnsureNotEnded();

        // The tenant filter keeps this inside the caller's practice: anyone elsewhere is "not found", like a made-up id.
        var therapist = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.Role == PersonRole.Therapist && u.IsActive)
            .Select(u => new { u.Id })
            .FirstOrDefaultAsync(ct) ?? throw new DomainException(NoSuchTherapist, DomainError.NotFound);

        if (engagement.ParticipantFor(therapist.Id) is not null)
        {
            // Already here: nothing changes and nobody is told twice. The answer is still audited (a read of the engagement).
            return await queries.GetAsync(engagementId, ct);
        }

        engagement.Add(therapist.Id, ParticipantRole.Therapist, time.GetUtcNow());

        // Filed under the engagement with no subject, so every client's access log shows it.
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Create,
            ObjectType = AuditObjectType,
            ObjectId = therapist.Id.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        });

        var clientIds = engagement.Clients.Select(p => p.UserId).ToList();
        var emails = await db.Users.AsNoTracking().Where(u => clientIds.Contains(u.Id) && u.IsActive && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in emails)
        {
            mail.Enqueue(engagement.PracticeId, email, "A therapist joined your work in Tandem",
                "Hello,\n\nA therapist of your practice has joined an engagement you are part of, and can now see its shared record.\n\n" +
                $"You can see who is part of it, and who opened what and when: {links.Engagement(engagement.Id)}\n\n" +
                "For your privacy this email never includes names or anything written in Tandem.\n", "co-therapist-added");
        }

        await notifier.NotifyAsync([therapist.Id], NotificationKinds.Invitation, ct);
        await db.SaveChangesAsync(ct);
        return (await queries.ToViewsAsync([engagement], ct))[0];
    }
}
