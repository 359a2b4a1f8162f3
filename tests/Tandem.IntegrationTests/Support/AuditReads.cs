using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;

namespace Tandem.IntegrationTests.Support;

/// <summary>
/// The reads of one kind an engagement's trail holds, as its access log counts them: the engagement's own entries and the
/// lists that showed it (one chained entry per list, its members in <see cref="AuditListRead"/>).
/// </summary>
public static class AuditReads
{
    public static async Task<int> CountAsync(TandemDbContext db, string objectType, Guid engagementId, Guid? subjectId = null, Guid? userId = null, CancellationToken ct = default)
    {
        var direct = await db.AuditEntries.CountAsync(e => e.ObjectType == objectType && e.EngagementId == engagementId && e.Action == AuditAction.Read
            && (subjectId == null || e.SubjectUserId == subjectId) && (userId == null || e.UserId == userId), ct);
        var lists = await ListEntries(db, objectType, userId)
            .Where(x => x.Row.EngagementId == engagementId && (subjectId == null || x.Row.SubjectId == subjectId))
            .Select(x => x.Row.EntryId).Distinct().CountAsync(ct);
        return direct + lists;
    }

    /// <summary>The clients whose records reads of this kind by this person showed (one per client and read).</summary>
    public static async Task<List<Guid>> SubjectsAsync(TandemDbContext db, string objectType, Guid userId, CancellationToken ct = default)
    {
        var direct = await db.AuditEntries.Where(e => e.ObjectType == objectType && e.UserId == userId && e.SubjectUserId != null)
            .Select(e => e.SubjectUserId!.Value).ToListAsync(ct);
        var lists = await ListEntries(db, objectType, userId).Where(x => x.Row.SubjectId != Guid.Empty).Select(x => x.Row.SubjectId).ToListAsync(ct);
        return [.. direct, .. lists];
    }

    /// <summary>How many members each list entry of this kind has (newest last).</summary>
    public static async Task<List<int>> ListSizesAsync(TandemDbContext db, string objectType, CancellationToken ct = default) =>
        await ListEntries(db, objectType, null).GroupBy(x => x.Row.EntryId).OrderBy(g => g.Key).Select(g => g.Count()).ToListAsync(ct);

    private static IQueryable<ListRow> ListEntries(TandemDbContext db, string objectType, Guid? userId) =>
        db.Set<AuditListRead>().Join(db.AuditEntries.Where(e => e.ObjectType == objectType && e.Action == AuditAction.Read && (userId == null || e.UserId == userId)),
            r => r.EntryId, e => e.Id, (r, e) => new ListRow { Row = r, Entry = e });

    private sealed class ListRow
    {
        public required AuditListRead Row { get; init; }

        public required AuditEntry Entry { get; init; }
    }
}
