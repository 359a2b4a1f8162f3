using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// Extends each practice's keyed hash chain inside the caller's open transaction. PostgreSQL locks
/// the practice's chain head row (SELECT ... FOR UPDATE), so several web nodes extend one
/// chain in order; SQLite transactions are already serialised (BEGIN IMMEDIATE).
/// One lock order for every write: the rows a change writes first, then the chain heads (in the order of their
/// practices), then the data versions. So a transaction runs this as it commits, after all its rows (<see cref="Data.ChainAtCommit"/>), as
/// the reminder sweep does after claiming its sessions; a head taken first would wait on a row another writer holds
/// while that writer waits on the head (a deadlock on PostgreSQL, seen as a therapist's 500).
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
        var heads = new List<AuditChainHead>();
        // Heads are locked in the order of their practices, whatever order the entries came in: two writers chaining
        // entries of the same practices can never each hold the head the other waits for.
        foreach (var group in events.GroupBy(e => e.PracticeId ?? Guid.Empty).OrderBy(g => g.Key))
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
            heads.Add(head);
        }

        // Written now, in the caller's transaction, and the heads moved with them: nothing of the chain is left for a later save.
        await AuditRows.InsertAsync(db, all, ct);
        foreach (var head in heads)
        {
            await db.Database.ExecuteSqlAsync(
                $"""UPDATE "AuditChainHeads" SET "LastSequence" = {head.LastSequence}, "LastHash" = {head.LastHash} WHERE "PracticeId" = {head.PracticeId}""", ct);
        }

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
        ? db.AuditChainHeads.FromSql($"""SELECT * FROM "AuditChainHeads" WHERE "PracticeId" = {practiceId} FOR UPDATE""").AsNoTracking().SingleOrDefaultAsync(ct)
        : db.AuditChainHeads.AsNoTracking().SingleOrDefaultAsync(h => h.PracticeId == practiceId, ct);
}
