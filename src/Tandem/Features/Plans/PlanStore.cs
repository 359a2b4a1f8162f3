using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Engagements;

namespace Tandem.Features.Plans;

/// <summary>
/// Loads an engagement's plan with its parts. A plan no one has written yet is empty: a read gets
/// an empty plan without storing anything (a read never writes), the first change stores it.
/// </summary>
public sealed class PlanStore(TandemDbContext db, TimeProvider time)
{
    public async Task<Plan> LoadAsync(Engagement engagement, bool tracking, CancellationToken ct)
    {
        var query = db.Set<Plan>()
            .Include(p => p.Goals).ThenInclude(g => g.Agreements)
            .Include(p => p.Questions)
            .Include(p => p.Commitments)
            .AsSplitQuery();
        var plan = await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(p => p.EngagementId == engagement.Id, ct);
        if (plan is not null)
        {
            return plan;
        }

        if (!tracking)
        {
            // Dated from the engagement, so every read of the empty plan says the same.
            return Plan.For(engagement, engagement.CreatedAt);
        }

        plan = Plan.For(engagement, time.GetUtcNow());
        db.Set<Plan>().Add(plan);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone else created it at the same moment (unique per engagement): use theirs.
            db.Entry(plan).State = EntityState.Detached;
            return await query.FirstAsync(p => p.EngagementId == engagement.Id, ct);
        }

        return plan;
    }
}
