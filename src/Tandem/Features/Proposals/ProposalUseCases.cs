using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Plans;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Mail;
using Tandem.Infrastructure.Security;
using Tandem.Features.Accounts;

namespace Tandem.Features.Proposals;

public sealed record ProposalResponseView(Guid UserId, string DisplayName, bool? Accepted, string? Comment, DateTimeOffset At);

public sealed record ProposalView(
    Guid Id,
    Guid EngagementId,
    string Kind,
    string Status,
    Guid AuthorId,
    string AuthorName,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    string Summary,
    ProposalPayload Change,
    IReadOnlyList<string> WaitingFor,
    IReadOnlyList<ProposalResponseView> Responses,
    bool CanRespond,
    IReadOnlyList<ProposedChange> Changes);

/// <summary>A proposal waiting for the signed-in person, named for the home page.</summary>
public sealed record WaitingProposal(Guid Id, Guid EngagementId, string EngagementTitle, string Clients, string AuthorName, string Summary, DateTimeOffset CreatedAt)
{
    /// <summary>A format change is answered on the engagement's page, every other proposal on the plan.</summary>
    public bool IsFormatChange { get; init; }
}

/// <summary>One thing a proposal changes, with what it is now and what it would be (issue 21: a card shows all of them).</summary>
public sealed record ProposedChange(string What, string? Now, string? Proposed);

/// <summary>
/// Work another feature does in the same transaction when a proposal is agreed: applied because the
/// others it was asked of accepted it (not a change its author could make alone), e.g. offering CollaboRATE.
/// </summary>
public interface IPlanChangeAgreedStep
{
    Task OnAgreedAsync(Engagement engagement, Proposal proposal, DateTimeOffset at, CancellationToken ct);
}

/// <summary>Making, answering and listing proposals; applying them when the format's rule is met.</summary>
public sealed class ProposalUseCases(
    TandemDbContext db,
    EngagementAccess access,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    PlanStore plans,
    Infrastructure.Live.LiveUpdates live,
    MailOutbox mail,
    LinkBuilder links,
    IEnumerable<IPlanChangeAgreedStep> agreedSteps,
    Infrastructure.Caching.ViewCache cache)
{
    public Task<ProposalView> ProposeFormatAsync(Guid engagementId, EngagementFormat format, string? reason, CancellationToken ct = default) =>
        ProposeAsync(engagementId, ProposalKind.ChangeFormat, new ProposalPayload(Format: format), reason, ct);

    public async Task<ProposalView> ProposeAsync(Guid engagementId, ProposalKind kind, ProposalPayload change, string? reason, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryProposeAsync(engagementId, kind, change, reason, ct);
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // A concurrent change of the same plan: start again from the new version.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The word a counter-suggestion leaves as the answer to the proposal it replaces.</summary>
    public const string CounterComment = "Suggested different wording";

    /// <summary>
    /// "Suggest different wording" (issue 22): answers a proposal by declining it and proposing the
    /// same change in the responder's words, in one transaction. The new proposal follows the
    /// engagement's format like any other (in a client-led engagement a client's wording applies at
    /// once; otherwise it waits for the others). Only changes made of words can be reworded.
    /// </summary>
    public async Task<ProposalView> CounterAsync(Guid proposalId, string? text, string? whyItMatters, string? reason, CancellationToken ct = default)
    {
        var original = await db.Proposals.Include(p => p.Responses).FirstOrDefaultAsync(p => p.Id == proposalId, ct);
        var engagement = await access.RequireParticipantAsync(original?.EngagementId ?? Guid.Empty, "Proposal", ct);
        if (original!.Kind is not (ProposalKind.AddGoal or ProposalKind.EditGoal or ProposalKind.SetFocus or ProposalKind.AddQuestion))
        {
            throw new DomainException("Only a change in words can be suggested differently. Accept or decline this one, with a comment if you like.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = ["This proposal has no wording to change."] });
        }

        var now = time.GetUtcNow();
        var was = original.Data;
        var change = was with
        {
            Text = text,
            WhyItMatters = original.Kind is ProposalKind.AddGoal or ProposalKind.EditGoal ? (whyItMatters ?? was.WhyItMatters) : null,
        };
        if (string.Equals(change.Text?.Trim(), was.Text?.Trim(), StringComparison.Ordinal)
            && string.Equals(change.WhyItMatters?.Trim(), was.WhyItMatters?.Trim(), StringComparison.Ordinal))
        {
            throw new DomainException("Your wording is the same as the proposal's. Accept it instead, or change the words.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["text"] = ["The same wording."] });
        }

        // The answer first (it refuses a decided proposal, one's own, or one not asked of this person), then the new wording.
        original.Respond(engagement, me.Id, accept: false, CounterComment, now);
        Stage(AuditAction.Update, original);
        var counter = Proposal.Create(engagement, me.Id, original.Kind, change,
            reason ?? $"A different wording of {(await db.Users.AsNoTracking().Where(u => u.Id == original.AuthorId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct)) ?? "an earlier"} proposal", now);
        var plan = await plans.LoadAsync(engagement, tracking: true, ct);
        Check(counter.Kind, change, engagement, plan);
        db.Proposals.Add(counter);
        Stage(AuditAction.Create, counter);
        await ApplyOrAskAsync(counter, engagement, now, plan, ct);

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new DomainException("Someone answered or changed this at the same moment. Reload and try again.", DomainError.Conflict);
        }

        await PublishAsync(engagement, counter, counter.Status == ProposalStatus.Applied ? "changed" : "proposed");
        return (await ViewsAsync(engagement, [counter], ct))[0];
    }

    public async Task<ProposalView> RespondAsync(Guid proposalId, bool accept, string? comment, CancellationToken ct = default)
    {
        // Two partners answering at the same moment are both right: the loser of the race
        // reloads and answers again, instead of being told to try again.
        for (var attempt = 1; ; attempt++)
        {
            var proposal = await db.Proposals.Include(p => p.Responses).FirstOrDefaultAsync(p => p.Id == proposalId, ct);
            var engagement = await access.RequireParticipantAsync(proposal?.EngagementId ?? Guid.Empty, "Proposal", ct);
            var now = time.GetUtcNow();
            var ready = proposal!.Respond(engagement, me.Id, accept, comment, now);
            Stage(AuditAction.Update, proposal);
            if (ready)
            {
                await ApplyAsync(proposal, engagement, now, ct);
                foreach (var step in agreedSteps)
                {
                    await step.OnAgreedAsync(engagement, proposal, now, ct);
                }
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                db.ChangeTracker.Clear();
                continue;
            }
            catch (DbUpdateException)
            {
                throw new DomainException("Someone changed this at the same moment. Reload and try again.", DomainError.Conflict);
            }

            await PublishAsync(engagement, proposal, ready ? "applied" : accept ? "accepted" : "declined");
            return (await ViewsAsync(engagement, [proposal], ct))[0];
        }
    }

    public async Task<ProposalView> CommentAsync(Guid proposalId, string comment, CancellationToken ct = default)
    {
        var proposal = await db.Proposals.Include(p => p.Responses).FirstOrDefaultAsync(p => p.Id == proposalId, ct);
        var engagement = await access.RequireParticipantAsync(proposal?.EngagementId ?? Guid.Empty, "Proposal", ct);
        engagement.EnsureWritable();
        proposal!.Comment(me.Id, comment, time.GetUtcNow());
        Stage(AuditAction.Update, proposal);
        await db.SaveChangesAsync(ct);
        await PublishAsync(engagement, proposal, "commented");
        return (await ViewsAsync(engagement, [proposal], ct))[0];
    }

    public async Task<IReadOnlyList<ProposalView>> ListAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireReaderAsync(engagementId, "Proposal", ct);
        var proposals = await db.Proposals.AsNoTracking().Include(p => p.Responses)
            .Where(p => p.EngagementId == engagementId)
            .OrderByDescending(p => p.CreatedAt)
            .Take(500)
            .ToListAsync(ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "ProposalList",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return await ViewsAsync(engagement, proposals, ct);
    }

    /// <summary>How many proposals wait for the signed-in person, across their engagements (home page counts).</summary>
    public async Task<int> WaitingForMeAsync(CancellationToken ct = default)
    {
        var myId = me.Id;
        var mine = await db.Participants.Where(p => p.UserId == myId && p.LeftAt == null).Select(p => p.EngagementId).ToListAsync(ct);
        var pending = await db.Proposals.AsNoTracking().Include(p => p.Responses)
            .Where(p => mine.Contains(p.EngagementId) && p.Status == ProposalStatus.Pending)
            .ToListAsync(ct);
        return pending.Count(p => p.CanAnswer(myId));
    }

    /// <summary>
    /// The proposals waiting for the signed-in person's answer, newest first, each with its engagement
    /// and the client(s) named, for the home pages (issue 21: "1 proposal waits" had no name and no link).
    /// Each engagement whose proposals are shown is audited as a read of its proposals.
    /// </summary>
    public Task<IReadOnlyList<WaitingProposal>> WaitingForMeListAsync(int take = 10, CancellationToken ct = default) =>
        cache.GetAsync("proposals-waiting", take.ToString(System.Globalization.CultureInfo.InvariantCulture), () => MakeWaitingForMeListAsync(take, ct), ct);

    private async Task<IReadOnlyList<WaitingProposal>> MakeWaitingForMeListAsync(int take, CancellationToken ct)
    {
        var myId = me.Id;
        var mine = await db.Participants.Where(p => p.UserId == myId && p.LeftAt == null).Select(p => p.EngagementId).ToListAsync(ct);
        var pending = (await db.Proposals.AsNoTracking().Include(p => p.Responses)
            .Where(p => mine.Contains(p.EngagementId) && p.Status == ProposalStatus.Pending)
            .OrderByDescending(p => p.CreatedAt)
            .ToListAsync(ct)).Where(p => p.CanAnswer(myId)).Take(Math.Clamp(take, 1, 50)).ToList();
        if (pending.Count == 0)
        {
            return [];
        }

        var engagementIds = pending.Select(p => p.EngagementId).Distinct().ToList();
        var engagements = await db.Engagements.AsNoTracking().Include(e => e.Participants).Where(e => engagementIds.Contains(e.Id)).ToListAsync(ct);
        var result = new List<WaitingProposal>();
        foreach (var engagement in engagements)
        {
            var views = await ViewsAsync(engagement, pending.Where(p => p.EngagementId == engagement.Id).ToList(), ct);
            var clientIds = engagement.ActiveParticipants.Where(p => p.Role == ParticipantRole.Client).Select(p => p.UserId).ToList();
            var clients = await db.Users.AsNoTracking().Where(u => clientIds.Contains(u.Id)).Select(u => u.DisplayName).ToListAsync(ct);
            result.AddRange(views.Select(v => new WaitingProposal(v.Id, engagement.Id, engagement.Title, string.Join(" and ", clients), v.AuthorName, v.Summary, v.CreatedAt)
            {
                IsFormatChange = pending.First(p => p.Id == v.Id).Kind == ProposalKind.ChangeFormat,
            }));
        }

        await audit.RecordEachAsync(new AuditEvent { Action = AuditAction.Read, ObjectType = "ProposalList", DataCategory = AuditCategories.Clinical }, engagementIds, ct);
        return result.OrderByDescending(r => r.CreatedAt).ToList();
    }

    private async Task<ProposalView> TryProposeAsync(Guid engagementId, ProposalKind kind, ProposalPayload change, string? reason, CancellationToken ct)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Proposal", ct);
        if (kind == ProposalKind.ChangeFormat
            && await db.Proposals.AnyAsync(p => p.EngagementId == engagementId && p.Kind == ProposalKind.ChangeFormat && p.Status == ProposalStatus.Pending, ct))
        {
            throw new DomainException("A format change is already waiting for answers. Answer or wait for that one first.", DomainError.Conflict);
        }

        // What can refuse without the plan comes first (a read-only or paused engagement, the reason): loading the
        // plan creates a missing one, and a refused proposal must leave nothing behind (QUALITY.md S3).
        var now = time.GetUtcNow();
        var proposal = Proposal.Create(engagement, me.Id, kind, change, reason, now);
        var plan = await plans.LoadAsync(engagement, tracking: true, ct);
        Check(kind, change, engagement, plan);
        db.Proposals.Add(proposal);
        Stage(AuditAction.Create, proposal);
        await ApplyOrAskAsync(proposal, engagement, now, plan, ct);

        await db.SaveChangesAsync(ct);
        await PublishAsync(engagement, proposal, proposal.Status == ProposalStatus.Applied ? "changed" : "proposed");
        return (await ViewsAsync(engagement, [proposal], ct))[0];
    }

    /// <summary>A new proposal either applies at once (the format lets its author decide; the therapists are told) or asks the others.</summary>
    private async Task ApplyOrAskAsync(Proposal proposal, Engagement engagement, DateTimeOffset now, Plan plan, CancellationToken ct)
    {
        if (proposal.AppliesAtOnce)
        {
            await ApplyAsync(proposal, engagement, now, ct, plan);
            await TellTherapistsAsync(engagement, proposal, ct);
        }
        else
        {
            await TellRespondersAsync(engagement, proposal, ct);
        }
    }

    /// <summary>Refuses a proposal that could never apply (unknown goal, empty text, same format).</summary>
    private static void Check(ProposalKind kind, ProposalPayload change, Engagement engagement, Plan plan)
    {
        switch (kind)
        {
            case ProposalKind.AddGoal:
                Plan.Clean(change.Text, Plan.TextMaxLength, "A goal");
                Plan.CleanOptional(change.WhyItMatters, Plan.WhyMaxLength, "Why it matters");
                break;
            case ProposalKind.EditGoal:
                Plan.Clean(change.Text, Plan.TextMaxLength, "A goal");
                Plan.CleanOptional(change.WhyItMatters, Plan.WhyMaxLength, "Why it matters");
                RequireOpenGoal(plan, change.GoalId);
                break;
            case ProposalKind.RetireGoal:
            case ProposalKind.AchieveGoal:
                RequireOpenGoal(plan, change.GoalId);
                break;
            case ProposalKind.SetFocus:
                Plan.Clean(change.Text, Plan.FocusMaxLength, "The focus");
                break;
            case ProposalKind.AddQuestion:
                Plan.Clean(change.Text, Plan.TextMaxLength, "A question");
                break;
            case ProposalKind.ChangeFormat:
                if (change.Format is not { } format || !Enum.IsDefined(format))
                {
                    throw new DomainException("The format is ClientLed or TherapistLed.", DomainError.Invalid,
                        new Dictionary<string, string[]> { ["format"] = ["ClientLed or TherapistLed."] });
                }

                if (engagement.Format == format)
                {
                    throw new DomainException($"The engagement is already {FormatWords(format)}.", DomainError.Conflict);
                }

                break;
        }
    }

    private static void RequireOpenGoal(Plan plan, Guid? goalId)
    {
        var goal = goalId is { } id ? plan.Goals.FirstOrDefault(g => g.Id == id) : null;
        if (goal is null)
        {
            throw new DomainException("That goal is not in this plan.", DomainError.Invalid, new Dictionary<string, string[]> { ["goalId"] = ["Unknown goal."] });
        }

        if (goal.Status is GoalStatus.Achieved or GoalStatus.SetAside)
        {
            throw new DomainException("That goal is already closed.", DomainError.Conflict);
        }
    }

    private async Task ApplyAsync(Proposal proposal, Engagement engagement, DateTimeOffset now, CancellationToken ct, Plan? loaded = null)
    {
        var change = proposal.Data;
        if (proposal.Kind == ProposalKind.ChangeFormat)
        {
            engagement.ChangeFormat(change.Format!.Value);
            proposal.MarkApplied(now);
            return;
        }

        var plan = loaded ?? await plans.LoadAsync(engagement, tracking: true, ct);
        var before = PlanSnapshot.Of(plan);
        var agreeing = proposal.AgreeingClients(engagement);
        var by = proposal.AuthorId;
        switch (proposal.Kind)
        {
            case ProposalKind.AddGoal: plan.AddGoal(change.Text!, change.WhyItMatters, by, agreeing, engagement, now); break;
            case ProposalKind.EditGoal: plan.EditGoal(change.GoalId!.Value, change.Text!, change.WhyItMatters, by, agreeing, engagement, now); break;
            case ProposalKind.RetireGoal: plan.RetireGoal(change.GoalId!.Value, by, now); break;
            case ProposalKind.AchieveGoal: plan.AchieveGoal(change.GoalId!.Value, by, now); break;
            case ProposalKind.SetFocus: plan.SetFocus(change.Text!, by, now); break;
            case ProposalKind.AddQuestion: plan.AddQuestion(change.Text!, by, now); break;
        }

        proposal.MarkApplied(now);
        await PlanHistory.RecordAsync(db, plan, before, by, proposal.Id, now, ct);
    }

    private async Task TellTherapistsAsync(Engagement engagement, Proposal proposal, CancellationToken ct)
    {
        var therapistIds = engagement.Therapists.Select(t => t.UserId).Where(id => id != proposal.AuthorId).ToList();
        await MailAsync(engagement, therapistIds, "A plan changed in Tandem", "A change was made to a shared plan in Tandem. You can comment on it or propose something else.", "plan-changed", ct);
    }

    private async Task TellRespondersAsync(Engagement engagement, Proposal proposal, CancellationToken ct) =>
        await MailAsync(engagement, proposal.AskedOf, "A proposal is waiting for you in Tandem", "Someone proposed a change in Tandem and would like your answer.", "proposal-waiting", ct);

    private async Task MailAsync(Engagement engagement, IReadOnlyList<Guid> userIds, string subject, string text, string kind, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        var emails = await db.Users.Where(u => userIds.Contains(u.Id) && u.IsActive).Select(u => u.Email!).ToListAsync(ct);
        foreach (var email in emails)
        {
            mail.Enqueue(engagement.PracticeId, email, subject, $"{text}\n\nOpen Tandem: {links.Engagement(engagement.Id)}/plan\n", kind);
        }
    }

    private Task PublishAsync(Engagement engagement, Proposal proposal, string what) =>
        live.PublishAsync(new Infrastructure.Live.EngagementChanged(engagement.PracticeId, engagement.Id, Infrastructure.Live.LiveTopic.Plan, me.Id, me.DisplayName, what) { ItemId = proposal.Id });

    internal async Task<IReadOnlyList<ProposalView>> ViewsAsync(Engagement engagement, IReadOnlyList<Proposal> proposals, CancellationToken ct)
    {
        var ids = engagement.Participants.Select(p => p.UserId).Concat(proposals.Select(p => p.AuthorId)).Distinct().ToList();
        var names = await db.DisplayNamesAsync(ids, ct);
        var goalIds = proposals.Select(p => p.Data.GoalId).OfType<Guid>().Distinct().ToList();
        var goalParts = goalIds.Count == 0 ? [] : await db.Set<Goal>().AsNoTracking().Where(g => goalIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => new { g.Text, g.WhyItMatters }, ct);
        var goals = goalParts.ToDictionary(g => g.Key, g => g.Value.Text);
        var whys = goalParts.ToDictionary(g => g.Key, g => g.Value.WhyItMatters);
        string Name(Guid id) => names.GetValueOrDefault(id, "Former member");
        var myId = me.Id;
        return proposals.Select(p => new ProposalView(
            p.Id, p.EngagementId, p.Kind.ToString(), p.Status.ToString(), p.AuthorId, Name(p.AuthorId), p.Reason, p.CreatedAt, p.DecidedAt,
            Describe(p, goals),
            p.Data,
            p.StillWaitingFor().Select(Name).ToList(),
            p.Responses.OrderBy(r => r.At).Select(r => new ProposalResponseView(r.UserId, Name(r.UserId), r.Accepted, r.Comment, r.At)).ToList(),
            p.CanAnswer(myId),
            Changes(p, engagement, goals, whys))).ToList();
    }

    /// <summary>Everything the proposal changes, each with its current value where there is one.</summary>
    private static List<ProposedChange> Changes(Proposal p, Engagement engagement, Dictionary<Guid, string> goals, Dictionary<Guid, string?> whys)
    {
        var d = p.Data;
        var goal = d.GoalId is { } id ? goals.GetValueOrDefault(id) : null;
        var why = d.GoalId is { } wid ? whys.GetValueOrDefault(wid) : null;
        var changes = new List<ProposedChange>();
        switch (p.Kind)
        {
            case ProposalKind.AddGoal:
                changes.Add(new("New goal", null, d.Text));
                if (!string.IsNullOrWhiteSpace(d.WhyItMatters))
                {
                    changes.Add(new("Why it matters", null, d.WhyItMatters));
                }

                break;
            case ProposalKind.EditGoal:
                if (goal != d.Text)
                {
                    changes.Add(new("Goal", goal, d.Text));
                }

                if (why != d.WhyItMatters)
                {
                    changes.Add(new("Why it matters", why, d.WhyItMatters));
                }

                break;
            case ProposalKind.RetireGoal:
                changes.Add(new("Goal set aside", goal, null));
                break;
            case ProposalKind.AchieveGoal:
                changes.Add(new("Goal marked achieved", goal, null));
                break;
            case ProposalKind.SetFocus:
                changes.Add(new("Focus", null, d.Text));
                break;
            case ProposalKind.AddQuestion:
                changes.Add(new("New question", null, d.Text));
                break;
            case ProposalKind.ChangeFormat when d.Format is { } format:
                changes.Add(new("Format", FormatWords(engagement.Format), FormatWords(format)));
                break;
        }

        return changes;
    }

    private static string Describe(Proposal p, Dictionary<Guid, string> goals)
    {
        var d = p.Data;
        var goal = d.GoalId is { } id ? goals.GetValueOrDefault(id, "a goal") : "a goal";
        return p.Kind switch
        {
            ProposalKind.AddGoal => $"Add the goal “{d.Text}”",
            ProposalKind.EditGoal => $"Reword “{goal}” as “{d.Text}”",
            ProposalKind.RetireGoal => $"Set aside the goal “{goal}”",
            ProposalKind.AchieveGoal => $"Mark “{goal}” as achieved",
            ProposalKind.SetFocus => $"Change the focus to “{d.Text}”",
            ProposalKind.AddQuestion => $"Add the question “{d.Text}”",
            ProposalKind.ChangeFormat => $"Change the format to {FormatWords(d.Format!.Value)}",
            _ => p.Kind.ToString(),
        };
    }

    private static string FormatWords(EngagementFormat format) => format == EngagementFormat.ClientLed ? "client-led" : "therapist-led";

    private void Stage(AuditAction action, Proposal proposal) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = "Proposal",
        ObjectId = proposal.Id.ToString(),
        EngagementId = proposal.EngagementId,
        DataCategory = AuditCategories.Clinical,
    });
}
