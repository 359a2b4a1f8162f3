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

        // The lists' members, once the entries they belong to are known to be whole.
        if (await VerifyListsAsync(practiceId, ct) is { } list)
        {
            return Report(Break(list.Sequence, list.Reason));
        }

        return Report(null);
    }

    /// <summary>
    /// The lists' members (<see cref="AuditListRead"/>) against their entries, a thousand lists at a time in the chain's
    /// order: every list entry has its rows, every row its list entry and the entry's reader, and the SHA-256 of the rows is
    /// the name the entry's MAC covers, so a member added, removed or changed shows as a break at its list's entry.
    /// </summary>
    private async Task<(long Sequence, string Reason)?> VerifyListsAsync(Guid practiceId, CancellationToken ct)
    {
        const int Chunk = 1000;
        var prefix = AuditListRead.Prefix;
        var after = 0L;
        while (true)
        {
            var lists = await db.AuditEntries.AsNoTracking()
                .Where(e => e.PracticeId == practiceId && e.EngagementId == null && e.Id > after && e.ObjectId != null && e.ObjectId.StartsWith(prefix))
                .OrderBy(e => e.Id).Take(Chunk)
                .Select(e => new { e.Id, e.Sequence, e.ObjectId, e.UserId })
                .ToListAsync(ct);
            var upTo = lists.Count == Chunk ? lists[^1].Id : long.MaxValue;
            var rows = await db.Set<AuditListRead>().AsNoTracking()
                .Where(r => r.PracticeId == practiceId && r.EntryId > after && r.EntryId <= upTo)
                .ToListAsync(ct);
            var members = rows.GroupBy(r => r.EntryId).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var list in lists)
            {
                if (!members.Remove(list.Id, out var shown))
                {
                    return (list.Sequence, "a list's members are missing (deleted rows)");
                }

                if (shown.Any(m => m.UserId != list.UserId))
                {
                    return (list.Sequence, "a list's member rows name another reader (edited row)");
                }

                if (!string.Equals(AuditListRead.Name(shown.Select(m => (m.EngagementId, (Guid?)m.SubjectId))), list.ObjectId, StringComparison.Ordinal))
                {
                    return (list.Sequence, "a list's members do not match its entry (added, removed or edited rows)");
                }
            }

            if (members.Count > 0)
            {
                var orphan = members.Keys.Min();
                var sequence = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practiceId && e.Id == orphan).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
                return (sequence ?? 0, "list members for an entry that is not a list (inserted rows)");
            }

            if (lists.Count < Chunk)
            {
                return null;
            }

            after = upTo;
        }
    }
}
