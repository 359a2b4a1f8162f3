using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

public sealed record BrokenLink(Guid PracticeId, long Sequence, string Reason);

public sealed record AuditVerification(bool Ok, long Entries, BrokenLink? FirstBrokenAt);

/// <summary>
/// Walks a practice's chain (or every chain) in sequence order and recomputes each hash: an
/// edited, deleted, inserted or reordered row breaks the chain at its position. The chain
/// head must match the last entry, so removing the newest rows is caught as well.
/// </summary>
public sealed class AuditVerifier(TandemDbContext db)
{
    public async Task<AuditVerification> VerifyAsync(Guid? practiceId = null, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var practices = practiceId is { } one
            ? [one]
            : await db.AuditChainHeads.AsNoTracking().Select(h => h.PracticeId)
                .Union(db.AuditEntries.AsNoTracking().Select(e => e.PracticeId)).Distinct().ToListAsync(ct);
        long total = 0;
        foreach (var practice in practices.Order())
        {
            var (count, broken) = await VerifyChainAsync(practice, ct);
            total += count;
            if (broken is not null)
            {
                return new AuditVerification(false, total, broken);
            }
        }

        return new AuditVerification(true, total, null);
    }

    private async Task<(long Count, BrokenLink? Broken)> VerifyChainAsync(Guid practiceId, CancellationToken ct)
    {
        var expectedSequence = 1L;
        var previousHash = AuditEntry.Genesis;
        long count = 0;
        await foreach (var entry in db.AuditEntries.AsNoTracking()
                           .Where(e => e.PracticeId == practiceId)
                           .OrderBy(e => e.Sequence).ThenBy(e => e.Id)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (entry.Sequence != expectedSequence)
            {
                return (count, new BrokenLink(practiceId, expectedSequence,
                    entry.Sequence < expectedSequence ? "a sequence number appears twice (inserted row)" : "an entry is missing (deleted row)"));
            }

            if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return (count, new BrokenLink(practiceId, entry.Sequence, "the link to the previous entry does not match (reordered or replaced row)"));
            }

            if (!string.Equals(entry.Hash, entry.ComputeHash(), StringComparison.Ordinal))
            {
                return (count, new BrokenLink(practiceId, entry.Sequence, "the entry's content does not match its hash (edited row)"));
            }

            previousHash = entry.Hash;
            expectedSequence++;
        }

        var head = await db.AuditChainHeads.AsNoTracking().FirstOrDefaultAsync(h => h.PracticeId == practiceId, ct);
        if (head is not null && (head.LastSequence != expectedSequence - 1 || !string.Equals(head.LastHash, previousHash, StringComparison.Ordinal)))
        {
            return (count, new BrokenLink(practiceId, expectedSequence, "the newest entries are missing (the chain head records more)"));
        }

        return (count, null);
    }
}
