using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

public sealed record BrokenLink(Guid PracticeId, long Sequence, string Reason);

/// <summary>One practice's chain: entries read, how many were unkeyed (legacy) and keyed, the keys used, the first break.</summary>
public sealed record ChainReport(Guid PracticeId, long Entries, long Unkeyed, long Keyed, IReadOnlyList<string> KeyIds, BrokenLink? Broken);

public sealed record AuditVerification(bool Ok, long Entries, BrokenLink? FirstBrokenAt, IReadOnlyList<ChainReport> Chains);

/// <summary>
/// Walks a practice's chain (or every chain) in sequence order and recomputes each MAC with the audit chain key
/// (<see cref="AuditChainKeys"/>): an edited, deleted, inserted or reordered row breaks the chain at its position,
/// and so does a rewrite that recomputes the hashes after it, since that needs the key, which is not in the
/// database. Unkeyed (SHA-256) entries from before the key verify as before, but only at the start of a chain:
/// one after a keyed entry is a rewrite. An entry made with a key that is not configured cannot be verified and
/// counts as a break. The chain head must match the last entry, so removing the newest rows is caught as well.
/// </summary>
public sealed class AuditVerifier(TandemDbContext db, AuditChainKeys keys)
{
    public async Task<AuditVerification> VerifyAsync(Guid? practiceId = null, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var practices = practiceId is { } one
            ? [one]
            : await db.AuditChainHeads.AsNoTracking().Select(h => h.PracticeId)
                .Union(db.AuditEntries.AsNoTracking().Select(e => e.PracticeId)).Distinct().ToListAsync(ct);
        var chains = new List<ChainReport>();
        foreach (var practice in practices.Order())
        {
            chains.Add(await VerifyChainAsync(practice, ct));
        }

        var firstBroken = chains.Select(c => c.Broken).FirstOrDefault(b => b is not null);
        return new AuditVerification(firstBroken is null, chains.Sum(c => c.Entries), firstBroken, chains);
    }

    private async Task<ChainReport> VerifyChainAsync(Guid practiceId, CancellationToken ct)
    {
        var expectedSequence = 1L;
        var previousHash = AuditEntry.Genesis;
        long count = 0, unkeyed = 0;
        var keyIds = new List<string>();
        ChainReport Report(BrokenLink? broken) => new(practiceId, count, unkeyed, count - unkeyed, keyIds, broken);
        BrokenLink Break(long sequence, string reason) => new(practiceId, sequence, reason);

        await foreach (var entry in db.AuditEntries.AsNoTracking()
                           .Where(e => e.PracticeId == practiceId)
                           .OrderBy(e => e.Sequence).ThenBy(e => e.Id)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            var legacy = entry.KeyId == AuditChainKeys.LegacyKeyId;
            unkeyed += legacy ? 1 : 0;
            if (!legacy && !keyIds.Contains(entry.KeyId))
            {
                keyIds.Add(entry.KeyId);
            }

            if (entry.Sequence != expectedSequence)
            {
                return Report(Break(expectedSequence,
                    entry.Sequence < expectedSequence ? "a sequence number appears twice (inserted row)" : "an entry is missing (deleted row)"));
            }

            if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return Report(Break(entry.Sequence, "the link to the previous entry does not match (reordered or replaced row)"));
            }

            if (legacy && keys.RequireKeyed)
            {
                return Report(Break(entry.Sequence, $"an unkeyed entry, and {AuditChainKeys.RequireKeyedSetting} is on (rewritten without the key)"));
            }

            if (legacy && keyIds.Count > 0)
            {
                return Report(Break(entry.Sequence, "an unkeyed entry after keyed ones (rewritten without the key)"));
            }

            var expected = entry.ComputeHash(keys);
            if (expected is null)
            {
                return Report(Break(entry.Sequence,
                    $"made with audit chain key {entry.KeyId}, which is not configured here (current key {keys.CurrentId}; older keys go in {AuditChainKeys.PreviousKeysSetting}): it cannot be verified"));
            }

            if (!string.Equals(entry.Hash, expected, StringComparison.Ordinal))
            {
                return Report(Break(entry.Sequence, legacy
                    ? "the entry's content does not match its hash (edited row)"
                    : "the entry's content does not match its MAC (edited row, or rewritten without the key)"));
            }

            previousHash = entry.Hash;
            expectedSequence++;
        }

        var head = await db.AuditChainHeads.AsNoTracking().FirstOrDefaultAsync(h => h.PracticeId == practiceId, ct);
        if (head is not null && (head.LastSequence != expectedSequence - 1 || !string.Equals(head.LastHash, previousHash, StringComparison.Ordinal)))
        {
            return Report(Break(expectedSequence, "the newest entries are missing (the chain head records more)"));
        }

        return Report(null);
    }
}
