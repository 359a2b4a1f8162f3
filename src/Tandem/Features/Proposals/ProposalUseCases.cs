using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Proposals;

public sealed record ProposalResponseView(Guid UserId, string DisplayName, bool Accepted, string? Comment, DateTimeOffset At);

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
    IReadOnlyList<string> WaitingFor,
    IReadOnlyList<ProposalResponseView> Responses,
    bool CanRespond);

public sealed class ProposalUseCases(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit, TimeProvider time)
{
    public async Task<ProposalView> ProposeFormatAsync(Guid engagementId, EngagementFormat format, string? reason, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Proposal", ct);
        if (await db.Proposals.AnyAsync(p => p.EngagementId == engagementId && p.Kind == ProposalKind.ChangeFormat && p.Status == ProposalStatus.Pending, ct))
        {
            throw new DomainException("A format change is already waiting for answers. Answer or wait for that one first.", DomainError.Conflict);
        }

        var proposal = Proposal.ChangeFormat(engagement, me.Id, format, reason, time.GetUtcNow());
        db.Proposals.Add(proposal);
        Stage(AuditAction.Create, proposal);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(engagement, [proposal], ct))[0];
    }

    public async Task<ProposalView> RespondAsync(Guid proposalId, bool accept, string? comment, CancellationToken ct = default)
    {
        var proposal = await db.Proposals.Include(p => p.Responses).FirstOrDefaultAsync(p => p.Id == proposalId, ct);
        var engagement = await access.RequireParticipantAsync(proposal?.EngagementId ?? Guid.Empty, "Proposal", ct);
        proposal!.Respond(engagement, me.Id, accept, comment, time.GetUtcNow());
        Stage(AuditAction.Update, proposal);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else answered at the same moment. Reload and try again.", DomainError.Conflict);
        }

        return (await ViewsAsync(engagement, [proposal], ct))[0];
    }

    public async Task<IReadOnlyList<ProposalView>> ListAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "Proposal", ct);
        var proposals = await db.Proposals.AsNoTracking().Include(p => p.Responses)
            .Where(p => p.EngagementId == engagementId)
            .OrderByDescending(p => p.CreatedAt)
            .Take(200)
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

    private async Task<IReadOnlyList<ProposalView>> ViewsAsync(Engagement engagement, IReadOnlyList<Proposal> proposals, CancellationToken ct)
    {
        var ids = engagement.Participants.Select(p => p.UserId).Concat(proposals.Select(p => p.AuthorId)).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string Name(Guid id) => names.GetValueOrDefault(id, "Former member");
        return proposals.Select(p =>
        {
            var waiting = p.Status == ProposalStatus.Pending ? p.StillWaitingFor(engagement) : [];
            return new ProposalView(
                p.Id, p.EngagementId, p.Kind.ToString(), p.Status.ToString(), p.AuthorId, Name(p.AuthorId), p.Reason, p.CreatedAt, p.DecidedAt,
                p.Kind == ProposalKind.ChangeFormat ? $"Change the format to {Proposal.Describe(p.ProposedFormat)}" : p.Kind.ToString(),
                waiting.Select(Name).ToList(),
                p.Responses.OrderBy(r => r.At).Select(r => new ProposalResponseView(r.UserId, Name(r.UserId), r.Accepted, r.Comment, r.At)).ToList(),
                waiting.Contains(me.Id));
        }).ToList();
    }

    private void Stage(AuditAction action, Proposal proposal) => audit.Stage(new AuditEvent
    {
        Action = action,
        ObjectType = "Proposal",
        ObjectId = proposal.Id.ToString(),
        EngagementId = proposal.EngagementId,
        DataCategory = AuditCategories.Clinical,
    });
}
