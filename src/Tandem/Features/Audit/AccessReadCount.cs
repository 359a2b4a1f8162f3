using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

/// <summary>
/// How many times one person read one kind of an engagement's record in one hour: the access log's weekly summary
/// ("This week Alex opened your plan 3 times") counts these instead of the entries themselves, so its cost no longer
/// grows with how often the record is read (issue 25: the summary read every entry of the week, 40 ms for an
/// engagement read 100,000 times). Kept in the same transaction as the entries it counts (<see cref="AuditChain"/>),
/// so a count and its entries never disagree; derived data only: the entries stay the record.
/// </summary>
public sealed class AccessReadCount : IPracticeScoped
{
    private AccessReadCount()
    {
    }

    public Guid PracticeId { get; private set; }

    public Guid EngagementId { get; private set; }

    /// <summary>Whole hours since 1970 (UTC): the hour the reads were made in.</summary>
    public long Hour { get; private set; }

    public Guid UserId { get; private set; }

    public string ObjectType { get; private set; } = "";

    /// <summary>The client whose personal record was read, or <see cref="Guid.Empty"/> for the shared record.</summary>
    public Guid SubjectId { get; private set; }

    public int Count { get; private set; }

    public static long HourOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 3600;

    public static DateTimeOffset StartOf(long hour) => DateTimeOffset.FromUnixTimeSeconds(hour * 3600);

    /// <summary>
    /// The reads the summary counts: a person's successful reads of the parts of the record it names (plan, notes,
    /// sessions, ...), not live updates. Lists such as Today's caseload are not counted, so a page listing 25 engagements
    /// adds no totals (one upsert per engagement would cost what the prepared audit insert saved). A list the summary
    /// does name (the sessions schedule, the proposals) counts once for each engagement it showed, as its entries did
    /// when a list was an entry per engagement.
    /// </summary>
    public static bool Counts(AuditEntry e) => e.EngagementId is not null && CountsRead(e);

    private static bool CountsRead(AuditEntry e) =>
        AccessLog.CountedObjectTypes.Contains(e.ObjectType)
        && e.Action == AuditAction.Read && e.Outcome == AuditOutcome.Success && e.Purpose != AuditPurposes.LiveUpdate
        && e.UserId is not null
        && (e.DataCategory == AuditCategories.Clinical || e.DataCategory == AuditCategories.Personal);

    /// <summary>Adds the counted entries, and the counted lists' members, to their hours, inside the caller's transaction (an upsert per person, kind and hour).</summary>
    public static async Task AddAsync(TandemDbContext db, IEnumerable<AuditEntry> entries, IEnumerable<(AuditEntry Entry, IReadOnlyList<(Guid EngagementId, Guid? SubjectUserId)> Shown)>? lists, CancellationToken ct)
    {
        var reads = entries.Where(Counts)
            .Select(e => (e.PracticeId, EngagementId: e.EngagementId!.Value, Hour: HourOf(e.At), UserId: e.UserId!.Value, e.ObjectType, SubjectId: e.SubjectUserId ?? Guid.Empty));
        if (lists is not null)
        {
            reads = reads.Concat(lists.Where(l => l.Entry.EngagementId is null && CountsRead(l.Entry)).SelectMany(l => l.Shown.Select(s =>
                (l.Entry.PracticeId, s.EngagementId, Hour: HourOf(l.Entry.At), UserId: l.Entry.UserId!.Value, l.Entry.ObjectType, SubjectId: s.SubjectUserId ?? Guid.Empty))));
        }

        foreach (var g in reads.GroupBy(k => k).ToList())
        {
            var k = g.Key;
            var count = g.Count();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "AccessReadCounts" ("PracticeId", "EngagementId", "Hour", "UserId", "ObjectType", "SubjectId", "Count")
                VALUES ({k.PracticeId}, {k.EngagementId}, {k.Hour}, {k.UserId}, {k.ObjectType}, {k.SubjectId}, {count})
                ON CONFLICT ("PracticeId", "EngagementId", "Hour", "UserId", "ObjectType", "SubjectId")
                DO UPDATE SET "Count" = "AccessReadCounts"."Count" + excluded."Count"
                """, ct);
        }
    }
}

internal sealed class AccessReadCountConfiguration : IEntityTypeConfiguration<AccessReadCount>
{
    public void Configure(EntityTypeBuilder<AccessReadCount> builder)
    {
        builder.ToTable("AccessReadCounts");
        builder.HasKey(c => new { c.PracticeId, c.EngagementId, c.Hour, c.UserId, c.ObjectType, c.SubjectId });
        builder.Property(c => c.ObjectType).HasMaxLength(64);
    }
}
