using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Accounts;

namespace Tandem.Features.Plans;

/// <summary>Every change leaves a version: who, when, which proposal, what changed, and the plan after.</summary>
internal static class PlanHistory
{
    public static async Task RecordAsync(TandemDbContext db, Plan plan, PlanSnapshot before, Guid authorId, Guid? proposalId, DateTimeOffset now, CancellationToken ct)
    {
        var after = PlanSnapshot.Of(plan);
        var ownerIds = after.Commitments.Select(c => c.OwnerId).Distinct().ToList();
        var names = await db.DisplayNamesAsync(ownerIds, ct);
        var changes = PlanDiff.Between(before, after, id => names.GetValueOrDefault(id, "someone"));
        db.Set<PlanVersion>().Add(PlanVersion.Record(plan, authorId, proposalId, JsonSerializer.Serialize(changes, Options), after.ToJson(), now));
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
