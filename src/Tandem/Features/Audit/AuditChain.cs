using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// Extends each practice's keyed hash chain inside the caller's open transaction. PostgreSQL locks
/// the practice's chain head row (SELECT ... FOR UPDATE), so several web nodes extend one
/// chain in order; SQLite transactions are already serialised (BEGIN IMMEDIATE).
/// </summary>
internal static class AuditChain
{
    public static async Task AppendAsync(TandemDbContext db, AuditChainKeys keys, IReadOnlyList<AuditEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are chained inside the transaction of the change they record.");
        }

        var postgres = db.Database.IsNpgsql();
        var all = new List<AuditEntry>(events.Count);
        List<(AuditEntry Entry, IReadOnlyList<(Guid EngagementId, Guid? SubjectUserId)> Shown)>? lists = null;
        foreach (var group in events.GroupBy(e => e.PracticeId ?? Guid.Empty))
        {
            var practiceId = group.Key;

            // The head row exists after a practice's first entry: read (and on PostgreSQL lock) it
            // first, and create it only when it is missing, so a routine write costs one statement here.
            var head = await ReadHeadAsync(db, practiceId, postgres, ct);
            if (head is null)
            {
                if (postgres)
                {
                    await db.Database.ExecuteSqlAsync($"""INSERT INTO "AuditChainHeads" ("PracticeId", "LastSequence", "LastHash") VALUES ({practiceId}, 0, {AuditEntry.Genesis}) ON CONFLICT DO NOTHING""", ct);
                }
                else
                {
                    await db.Database.ExecuteSqlAsync($"""INSERT OR IGNORE INTO "AuditChainHeads" ("PracticeId", "LastSequence", "LastHash") VALUES ({practiceId}, 0, {AuditEntry.Genesis})""", ct);
                }

                head = await ReadHeadAsync(db, practiceId, postgres, ct)
                    ?? throw new InvalidOperationException("The audit chain head could not be created.");
            }

            var sequence = head.LastSequence;
            var previous = head.LastHash;
            foreach (var e in group)
            {
                var entry = AuditEntry.Chain(e, practiceId, ++sequence, previous, keys);
                all.Add(entry);
                previous = entry.Hash;
                if (e.Shown is { Count: > 0 } shown)
                {
                    (lists ??= []).Add((entry, shown));
                }
            }

            head.LastSequence = sequence;
            head.LastHash = previous;
        }

        // Written now, in the caller's transaction; the heads' new values go with the caller's save.
        await AuditRows.InsertAsync(db, all, ct);

        // A list's members, beside its entry: the entries' ids are the database's, found by their place in the chain.
        if (lists is not null)
        {
            await AuditRows.AssignIdsAsync(db, lists.Select(l => l.Entry).ToList(), ct);
            await AuditRows.InsertListReadsAsync(db, [.. lists.SelectMany(l => l.Shown.Select(s => AuditListRead.For(l.Entry, s)))], ct);
        }

        // The access log's weekly counts move with the entries, in the same transaction.
        await AccessReadCount.AddAsync(db, all, lists, ct);
    }

    private static Task<AuditChainHead?> ReadHeadAsync(TandemDbContext db, Guid practiceId, bool postgres, CancellationToken ct) => postgres
        ? db.AuditChainHeads.FromSql($"""SELECT * FROM "AuditChainHeads" WHERE "PracticeId" = {practiceId} FOR UPDATE""").AsTracking().SingleOrDefaultAsync(ct)
        : db.AuditChainHeads.AsTracking().SingleOrDefaultAsync(h => h.PracticeId == practiceId, ct);
}
