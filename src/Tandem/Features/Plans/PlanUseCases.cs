using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Proposals;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Plans;

/// <summary>Reading the plan and the changes that do not need a proposal: direct focus edits by those who decide alone, agreeing to a goal, ratings, commitments.</summary>
public sealed class PlanUseCases(
    TandemDbContext db,
    EngagementAccess access,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    PlanStore plans,
    Infrastructure.Live.LiveUpdates live)
{
    public async Task<PlanView> GetAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireReaderAsync(engagementId, "Plan", ct);
        var plan = await plans.LoadAsync(engagement, tracking: false, ct);
        var view = await ViewAsync(engagement, plan, ct);
        await RecordReadAsync("Plan", engagementId, ct);
        return view;
    }

    /// <summary>
    /// PUT /plan: a direct edit of the focus, only for someone the format lets decide alone.
    /// The caller names the version they edited (If-Match); a stale one gets 412 and the page
    /// says who changed it meanwhile.
    /// </summary>
    public async Task<PlanView> SetFocusAsync(Guid engagementId, string focus, int? ifMatchVersion, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Plan", ct);
        if (ifMatchVersion is null)
        {
            throw new DomainException("Send If-Match with the plan's ETag, so a change made meanwhile is never overwritten.", DomainError.PreconditionRequired);
        }

        engagement.EnsureWritable();
        if (!PlanRules.For(engagement, me.Id, isFormatChange: false).AppliesAtOnce)
        {
            throw new DomainException("In this engagement your changes to the focus are proposals: propose it instead, and it applies once accepted.", DomainError.Conflict);
        }

        var plan = await plans.LoadAsync(engagement, tracking: true, ct);
        if (plan.Version != ifMatchVersion)
        {
            throw await StaleAsync(plan, ct);
        }

        var before = PlanSnapshot.Of(plan);
        var now = time.GetUtcNow();
        plan.SetFocus(focus, me.Id, now);
        // The direct edit is still a proposal record (applied at once), so the history names it.
        var proposal = Proposal.Create(engagement, me.Id, ProposalKind.SetFocus, new ProposalPayload(Text: plan.Focus), reason: null, now);
        proposal.MarkApplied(now);
        db.Proposals.Add(proposal);
        await PlanHistory.RecordAsync(db, plan, before, me.Id, proposal.Id, now, ct);
        Stage(AuditAction.Update, "Plan", engagementId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another edit won the race: either the plan's version token or the unique version
            // number caught it. Nothing of ours was written.
            db.ChangeTracker.Clear();
            var current = await plans.LoadAsync(engagement, tracking: false, ct);
            throw await StaleAsync(current, ct);
        }

        await PublishAsync(engagementId, "changed the focus");
        return await ViewAsync(engagement, plan, ct);
    }

    public async Task<PlanView> AgreeToGoalAsync(Guid engagementId, Guid goalId, CancellationToken ct = default) =>
        await ChangeAsync(engagementId, "agreed to a goal", (engagement, plan, now) =>
        {
            if (!engagement.IsClient(me.Id))
            {
                throw new DomainException("Clients agree to goals; a goal is agreed when every client has.", DomainError.Conflict);
            }

            plan.AgreeToGoal(goalId, me.Id, engagement, now);
        }, ct);

    public async Task<PlanView> AddCommitmentAsync(Guid engagementId, string text, Guid ownerId, DateOnly? due, CancellationToken ct = default) =>
        await ChangeAsync(engagementId, "added a commitment", (engagement, plan, now) => plan.AddCommitment(text, ownerId, due, me.Id, engagement, now), ct);

    public async Task<PlanView> CompleteCommitmentAsync(Guid commitmentId, CancellationToken ct = default)
    {
        var engagementId = await db.Set<Commitment>().Where(c => c.Id == commitmentId)
            .Join(db.Set<Plan>(), c => c.PlanId, p => p.Id, (c, p) => (Guid?)p.EngagementId).FirstOrDefaultAsync(ct);
        return await ChangeAsync(engagementId ?? Guid.Empty, "completed a commitment", (engagement, plan, now) => plan.CompleteCommitment(commitmentId, me.Id, engagement, now), ct);
    }

    public async Task<RatingView> RateGoalAsync(Guid engagementId, Guid goalId, int value, int? attainment, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "GoalRating", ct);
        engagement.EnsureWritable();
        var plan = await plans.LoadAsync(engagement, tracking: false, ct);
        var goal = plan.Goal(goalId);
        var rating = GoalRating.Create(engagement, goal, me.Id, value, attainment, time.GetUtcNow());
        db.Set<GoalRating>().Add(rating);
        Stage(AuditAction.Create, "GoalRating", engagementId, rating.Id.ToString());
        await db.SaveChangesAsync(ct);
        await PublishAsync(engagementId, "rated a goal");
        return new RatingView(rating.Value, rating.Attainment, rating.At, rating.RaterRole.ToString(), rating.RaterId) { RaterName = me.DisplayName };
    }

    /// <summary>Newest first, a page at a time: <paramref name="before"/> is the oldest number already shown.</summary>
    public async Task<IReadOnlyList<PlanVersionView>> HistoryAsync(Guid engagementId, int? before = null, int take = 100, CancellationToken ct = default)
    {
        var engagement = await access.RequireReaderAsync(engagementId, "PlanHistory", ct);
        take = Math.Clamp(take, 1, 500);
        var versions = await db.Set<PlanVersion>().AsNoTracking()
            .Where(v => v.EngagementId == engagementId && (before == null || v.Number < before))
            .OrderByDescending(v => v.Number).Take(take).ToListAsync(ct);
        var proposalIds = versions.Select(v => v.ProposalId).OfType<Guid>().ToList();
        var proposals = await db.Proposals.AsNoTracking().Include(p => p.Responses).Where(p => proposalIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var names = await NamesAsync(engagement, versions.Select(v => v.AuthorId), ct);
        await RecordReadAsync("PlanHistory", engagementId, ct);
        return versions.Select(v =>
        {
            var proposal = v.ProposalId is { } pid ? proposals.GetValueOrDefault(pid) : null;
            return new PlanVersionView(
                v.Number, v.AuthorId, names.GetValueOrDefault(v.AuthorId, "Former member"), v.At, v.ProposalId, proposal?.Reason,
                proposal?.Responses.Where(r => r.Accepted == true).Select(r => names.GetValueOrDefault(r.UserId, "Former member")).ToList() ?? [],
                JsonSerializer.Deserialize<List<PlanChange>>(v.Changes, JsonOptions) ?? []);
        }).ToList();
    }

    private async Task<PlanView> ChangeAsync(Guid engagementId, string what, Action<Engagement, Plan, DateTimeOffset> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var engagement = await access.RequireParticipantAsync(engagementId, "Plan", ct);
                engagement.EnsureWritable();
                var plan = await plans.LoadAsync(engagement, tracking: true, ct);
                var before = PlanSnapshot.Of(plan);
                var now = time.GetUtcNow();
                change(engagement, plan, now);
                await PlanHistory.RecordAsync(db, plan, before, me.Id, proposalId: null, now, ct);
                Stage(AuditAction.Update, "Plan", engagementId);
                await db.SaveChangesAsync(ct);
                await PublishAsync(engagementId, what);
                return await ViewAsync(engagement, plan, ct);
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // A concurrent change of the same plan: start again from the new version.
                db.ChangeTracker.Clear();
            }
        }
    }

    internal async Task<PlanView> ViewAsync(Engagement engagement, Plan plan, CancellationToken ct)
    {
        var goalIds = plan.Goals.Select(g => g.Id).ToList();
        var ratings = await db.Set<GoalRating>().AsNoTracking()
            .Where(r => r.EngagementId == engagement.Id && goalIds.Contains(r.GoalId))
            .OrderBy(r => r.At)
            .Select(r => new { r.GoalId, View = new RatingView(r.Value, r.Attainment, r.At, r.RaterRole.ToString(), r.RaterId) })
            .ToListAsync(ct);
        var names = await NamesAsync(engagement, plan.Questions.Select(q => q.CreatedBy).Concat(ratings.Select(r => r.View.RaterId)), ct);
        var clients = engagement.Clients.Select(c => c.UserId).ToList();
        var today = DateOnly.FromDateTime(me.Local(time.GetUtcNow()).DateTime);
        string Name(Guid id) => names.GetValueOrDefault(id, "Former member");
        var byGoal = ratings.GroupBy(r => r.GoalId).ToDictionary(g => g.Key, g => g.Select(x => x.View with { RaterName = Name(x.View.RaterId) }).ToList());

        var goals = plan.Goals.OrderBy(g => g.Status is GoalStatus.SetAside or GoalStatus.Achieved ? 1 : 0).ThenBy(g => g.CreatedAt).Select(g =>
        {
            var list = byGoal.GetValueOrDefault(g.Id) ?? [];
            return new GoalView(
                g.Id, g.Text, g.WhyItMatters, g.Status.ToString(),
                list.LastOrDefault(r => r.RaterRole == nameof(ParticipantRole.Client)),
                list.LastOrDefault(r => r.RaterRole == nameof(ParticipantRole.Therapist)),
                g.Agreements.Select(a => Name(a.ClientId)).ToList(),
                clients.Where(c => g.Agreements.All(a => a.ClientId != c)).Select(Name).ToList(),
                list);
        }).ToList();

        var attainment = goals.Where(g => g.Status is "Agreed" or "Achieved" && g.LatestRating?.Attainment is not null)
            .Select(g => g.LatestRating!.Attainment!.Value).ToList();
        return new PlanView(
            engagement.Id,
            plan.Version,
            plan.Focus,
            goals,
            plan.Questions.Where(q => q.ClosedAt is null).OrderBy(q => q.CreatedAt).Select(q => new QuestionView(q.Id, q.Text, Name(q.CreatedBy), q.CreatedAt)).ToList(),
            plan.Commitments.OrderBy(c => c.DoneAt is not null).ThenBy(c => c.Due ?? DateOnly.MaxValue).Select(c => new CommitmentView(
                c.Id, c.Text, c.OwnerId, Name(c.OwnerId), engagement.ParticipantFor(c.OwnerId)?.Role.ToString() ?? "", c.Due, c.DoneAt is not null, c.DoneAt, c.IsOverdue(today))).ToList(),
            plan.UpdatedAt,
            plan.UpdatedBy is { } by ? Name(by) : null,
            attainment.Count == 0 ? null : Math.Round(GoalAttainment.TScore(attainment), 2));
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(Engagement engagement, IEnumerable<Guid> extra, CancellationToken ct)
    {
        var ids = engagement.Participants.Select(p => p.UserId).Concat(extra).Distinct().ToList();
        return await db.DisplayNamesAsync(ids, ct);
    }

    private async Task<DomainException> StaleAsync(Plan current, CancellationToken ct)
    {
        var who = current.UpdatedBy is { } by ? await db.Users.Where(u => u.Id == by).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
        return new DomainException($"The plan was changed by {who ?? "someone"} since you opened it (now version {current.Version}). Your text is kept: look at their change, then save again.", DomainError.PreconditionFailed);
    }

    private Task PublishAsync(Guid engagementId, string what) =>
        live.PublishAsync(new Infrastructure.Live.EngagementChanged(me.PracticeId, engagementId, Infrastructure.Live.LiveTopic.Plan, me.Id, me.DisplayName, what));

    private void Stage(AuditAction action, string objectType, Guid engagementId, string? objectId = null) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = objectType,
        ObjectId = objectId ?? engagementId.ToString(),
        EngagementId = engagementId,
        DataCategory = AuditCategories.Clinical,
    });

    private Task RecordReadAsync(string objectType, Guid engagementId, CancellationToken ct) => audit.RecordAsync(new AuditEvent
    {
        Action = AuditAction.Read,
        ObjectType = objectType,
        ObjectId = engagementId.ToString(),
        EngagementId = engagementId,
        DataCategory = AuditCategories.Clinical,
    }, ct);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
