using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Measures.Reviews;

/// <summary>One review as a participant may see it: the other side's answers only once both are in (or the client declined).</summary>
public sealed record ReviewView(
    Guid Id,
    Guid EngagementId,
    Guid ClientId,
    string ClientName,
    string Trigger,
    string State,
    DateTimeOffset SignalAt,
    DateTimeOffset? CompletedAt,
    bool ViewerIsTherapist,
    bool ViewerIsClient,
    bool CanAnswer,
    bool CanDecline,
    bool BothSidesShown,
    ClientReviewAnswers? Client,
    DateTimeOffset? ClientAnsweredAt,
    DateTimeOffset? ClientDeclinedAt,
    TherapistReviewAnswers? Therapist,
    string? TherapistName,
    DateTimeOffset? TherapistAnsweredAt);

/// <summary>What was agreed in a review, to become a plan proposal.</summary>
public sealed record ReviewProposalRequest(string? Kind, string? Text, string? WhyItMatters);

/// <summary>
/// The shared review when the work is off track (issue 24): opened by a signal (a "not on track"
/// alert, or a Collaboration Check drop), filled in by both sides, shown side by side at the next
/// session, and what was agreed becomes a normal plan proposal. Every read and write is audited
/// with the client as its subject, so it shows in their access log.
/// </summary>
public sealed class OffTrackReviews(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time, ProposalUseCases proposals)
{
    public const string AuditObject = "OffTrackReview";

    /// <summary>
    /// The hook for a signal (issue 24): opens a review for this client unless one is still open, in
    /// the caller's unit of work (added and audited; saved with the caller's own SaveChanges). Called
    /// by <see cref="SubmitResponse"/> for a new "not on track" or collaboration-concern alert; any
    /// other signal (CollaboRATE's drop) calls it the same way with <see cref="ReviewTrigger.CollaborationDrop"/>.
    /// </summary>
    public static async Task<OffTrackReview?> StageOpenAsync(TandemDbContext db, AuditTrail audit, Engagement engagement, Guid clientId, ReviewTrigger trigger, Guid? alertId, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(engagement);
        if (!engagement.IsClient(clientId)
            || db.ChangeTracker.Entries<OffTrackReview>().Any(e => e.Entity.EngagementId == engagement.Id && e.Entity.ClientId == clientId && e.Entity.State == ReviewState.Open)
            || await db.Set<OffTrackReview>().AnyAsync(r => r.EngagementId == engagement.Id && r.ClientId == clientId && r.State == ReviewState.Open, ct))
        {
            return null;
        }

        var review = OffTrackReview.Open(engagement, clientId, trigger, alertId, at);
        db.Add(review);
        audit.Stage(Event(AuditAction.Create, review));
        return review;
    }

    public async Task<IReadOnlyList<ReviewView>> ListAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, AuditObject, ct);
        var viewer = me.Id;
        var therapist = engagement.IsTherapist(viewer);
        var reviews = await db.Set<OffTrackReview>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && (therapist || r.ClientId == viewer))
            .OrderByDescending(r => r.SignalAt).Take(50).ToListAsync(ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = AuditObject + "List",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            SubjectUserId = therapist ? null : viewer,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return await ViewsAsync(engagement, reviews, ct);
    }

    /// <summary>The open reviews waiting for the signed-in person in one engagement (no answers; for a card that links to them).</summary>
    public async Task<IReadOnlyList<(Guid Id, Guid ClientId, DateTimeOffset SignalAt)>> WaitingForMeAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, AuditObject, ct);
        var viewer = me.Id;
        var therapist = engagement.IsTherapist(viewer);
        var rows = await db.Set<OffTrackReview>().AsNoTracking()
            .Where(r => r.EngagementId == engagement.Id && (therapist
                ? r.TherapistAnsweredAt == null && r.State != ReviewState.Completed
                : r.ClientId == viewer && r.State == ReviewState.Open && r.ClientAnsweredAt == null))
            .OrderBy(r => r.SignalAt).Select(r => new { r.Id, r.ClientId, r.SignalAt }).Take(20).ToListAsync(ct);
        return rows.Select(r => (r.Id, r.ClientId, r.SignalAt)).ToList();
    }

    public async Task<ReviewView> GetAsync(Guid engagementId, Guid reviewId, CancellationToken ct = default)
    {
        var (engagement, review) = await LoadAsync(engagementId, reviewId, tracking: false, ct);
        await audit.RecordAsync(Event(AuditAction.Read, review), ct);
        return (await ViewsAsync(engagement, [review], ct))[0];
    }

    /// <summary>
    /// The reviews to look at together in a session's room: those of its engagement opened after the
    /// previous session began and before this one ends (the next session after the signal), that the viewer may see.
    /// </summary>
    public async Task<IReadOnlyList<ReviewView>> ForSessionAsync(Guid engagementId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, AuditObject, ct);
        var viewer = me.Id;
        var therapist = engagement.IsTherapist(viewer);
        var previous = await db.Set<Sessions.Session>().AsNoTracking()
            .Where(s => s.EngagementId == engagementId && s.StartsAt < startsAt && s.Status != Sessions.SessionStatus.Cancelled)
            .OrderByDescending(s => s.StartsAt).Select(s => (DateTimeOffset?)s.StartsAt).FirstOrDefaultAsync(ct);
        var from = previous ?? DateTimeOffset.MinValue;
        var reviews = await db.Set<OffTrackReview>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && (therapist || r.ClientId == viewer) && r.SignalAt > from && r.SignalAt < endsAt)
            .OrderBy(r => r.SignalAt).Take(10).ToListAsync(ct);
        foreach (var review in reviews)
        {
            await audit.RecordAsync(Event(AuditAction.Read, review), ct);
        }

        return await ViewsAsync(engagement, reviews, ct);
    }

    public async Task<ReviewView> AnswerAsClientAsync(Guid engagementId, Guid reviewId, ClientReviewAnswers answers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return await WriteAsync(engagementId, reviewId, (engagement, review, now) => review.AnswerAsClient(me.Id, answers, now), ct);
    }

    public Task<ReviewView> DeclineAsync(Guid engagementId, Guid reviewId, CancellationToken ct = default) =>
        WriteAsync(engagementId, reviewId, (engagement, review, now) => review.Decline(me.Id, now), ct);

    public async Task<ReviewView> AnswerAsTherapistAsync(Guid engagementId, Guid reviewId, TherapistReviewAnswers answers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return await WriteAsync(engagementId, reviewId, (engagement, review, now) =>
        {
            if (!engagement.IsTherapist(me.Id))
            {
                throw new DomainException("The therapist's side is filled in by a therapist of the engagement.", DomainError.Invalid);
            }

            review.AnswerAsTherapist(me.Id, answers, now);
        }, ct);
    }

    /// <summary>
    /// "Make this a proposal": what was agreed becomes a normal plan proposal (a new goal, or the
    /// focus), made by the signed-in person and answered by the others as any proposal is.
    /// </summary>
    public async Task<ProposalView> ProposeAsync(Guid engagementId, Guid reviewId, ReviewProposalRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (_, review) = await LoadAsync(engagementId, reviewId, tracking: false, ct);
        var kind = request.Kind switch
        {
            "AddGoal" or "addGoal" => ProposalKind.AddGoal,
            "SetFocus" or "setFocus" or null or "" => ProposalKind.SetFocus,
            _ => throw new DomainException("A review's agreement becomes a new goal (AddGoal) or the plan's focus (SetFocus).", DomainError.Invalid,
                new Dictionary<string, string[]> { ["kind"] = ["AddGoal or SetFocus."] }),
        };
        var day = me.Local(review.SignalAt).ToString("d MMMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
        return await proposals.ProposeAsync(engagementId, kind,
            new ProposalPayload(Text: request.Text, WhyItMatters: kind == ProposalKind.AddGoal ? request.WhyItMatters : null),
            $"Agreed when we looked together at how the work is going (check-in of {day}).", ct);
    }

    private async Task<ReviewView> WriteAsync(Guid engagementId, Guid reviewId, Action<Engagement, OffTrackReview, DateTimeOffset> change, CancellationToken ct)
    {
        var (engagement, review) = await LoadAsync(engagementId, reviewId, tracking: true, ct);
        engagement.EnsureNotEnded();
        change(engagement, review, time.GetUtcNow());
        audit.Stage(Event(AuditAction.Update, review));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone changed this review at the same moment. Reload and try again.", DomainError.Conflict);
        }

        return (await ViewsAsync(engagement, [review], ct))[0];
    }

    /// <summary>The review, for a participant who may see it: its client and the engagement's therapists; everyone else 404.</summary>
    private async Task<(Engagement, OffTrackReview)> LoadAsync(Guid engagementId, Guid reviewId, bool tracking, CancellationToken ct)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, AuditObject, ct);
        var query = db.Set<OffTrackReview>().Where(r => r.Id == reviewId && r.EngagementId == engagementId);
        var review = await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
        if (review is null || !(engagement.IsTherapist(me.Id) || review.ClientId == me.Id))
        {
            await access.RefuseAsync(engagementId, AuditObject, ct);
            throw DomainException.NotFound();
        }

        return (engagement, review);
    }

    private async Task<IReadOnlyList<ReviewView>> ViewsAsync(Engagement engagement, IReadOnlyList<OffTrackReview> reviews, CancellationToken ct)
    {
        var viewer = me.Id;
        var therapist = engagement.IsTherapist(viewer);
        var ids = reviews.SelectMany(r => new[] { r.ClientId, r.TherapistId ?? Guid.Empty }).Distinct().ToList();
        var names = await db.DisplayNamesAsync(ids, ct);
        return reviews.Select(r =>
        {
            var isClient = r.ClientId == viewer;
            var seeClient = isClient || r.BothSidesShown;
            var seeTherapist = therapist || r.BothSidesShown;
            return new ReviewView(
                r.Id, r.EngagementId, r.ClientId, names.GetValueOrDefault(r.ClientId, "Former member"), r.Trigger.ToString(), r.State.ToString(), r.SignalAt, r.CompletedAt,
                therapist, isClient,
                CanAnswer: engagement.Status != EngagementStatus.Ended && (isClient ? r.State == ReviewState.Open && r.ClientAnsweredAt is null : therapist && r.TherapistAnsweredAt is null),
                CanDecline: engagement.Status != EngagementStatus.Ended && isClient && r.State == ReviewState.Open && r.ClientAnsweredAt is null,
                r.BothSidesShown,
                seeClient && r.ClientAnsweredAt is not null ? new ClientReviewAnswers(r.ClientPlanFit, r.ClientPace, r.ClientLife, r.ClientSupport) : null,
                r.ClientAnsweredAt, r.ClientDeclinedAt,
                seeTherapist && r.TherapistAnsweredAt is not null ? new TherapistReviewAnswers(r.TherapistAlliance, r.TherapistMotivation, r.TherapistLifeEvents, r.TherapistSupport, r.TherapistApproach) : null,
                r.TherapistId is { } t ? names.GetValueOrDefault(t, "Former member") : null,
                r.TherapistAnsweredAt);
        }).ToList();
    }

    private static AuditEvent Event(AuditAction action, OffTrackReview review) => new()
    {
        Action = action,
        ObjectType = AuditObject,
        ObjectId = review.Id.ToString(),
        EngagementId = review.EngagementId,
        SubjectUserId = review.ClientId,
        DataCategory = AuditCategories.Clinical,
    };
}
