using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Measures.Instruments;
using Tandem.Features.Proposals;

namespace Tandem.Features.Measures;

/// <summary>
/// Issue 24: when a plan change is agreed (a proposal applied because the others accepted it), each
/// client of the engagement is offered CollaboRATE about that decision, in the same transaction.
/// Not more than once per <see cref="MinimumInterval"/> per client: no new offer while an earlier
/// one, or an answer to CollaboRATE, is more recent than that, so a busy week of agreements asks once.
/// The offer stays open for <see cref="OpenFor"/>: the developers recommend asking within 24-48 hours
/// of the encounter, so recall stays good (collaboRATE FAQ, glynelwyn.com).
/// </summary>
internal sealed class OfferCollaborate(TandemDbContext db, AuditTrail audit) : IPlanChangeAgreedStep
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromDays(14);
    public static readonly TimeSpan OpenFor = TimeSpan.FromHours(48);

    public async Task OnAgreedAsync(Engagement engagement, Proposal proposal, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        ArgumentNullException.ThrowIfNull(proposal);
        var since = at - MinimumInterval;
        var engagementId = engagement.Id;
        var clients = engagement.Clients.Select(c => c.UserId).ToList();
        var recentlyOffered = await db.Set<MeasureOffer>().AsNoTracking()
            .Where(o => o.EngagementId == engagementId && o.InstrumentId == InstrumentCatalog.Collaborate && o.OfferedAt > since && clients.Contains(o.RespondentId))
            .Select(o => o.RespondentId).ToListAsync(ct);
        var recentlyAnswered = await db.Set<MeasureResponse>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.InstrumentId == InstrumentCatalog.Collaborate && r.SubmittedAt > since && clients.Contains(r.RespondentId))
            .Select(r => r.RespondentId).ToListAsync(ct);
        foreach (var client in clients.Except(recentlyOffered).Except(recentlyAnswered))
        {
            var offer = MeasureOffer.Create(engagement, client, InstrumentCatalog.Collaborate, MeasureOffer.PlanChangeAgreed, proposal.Id, at, OpenFor);
            db.Add(offer);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Create,
                ObjectType = "MeasureOffer",
                ObjectId = offer.Id.ToString(),
                EngagementId = engagementId,
                DataCategory = AuditCategories.Clinical,
            });
        }
    }
}
