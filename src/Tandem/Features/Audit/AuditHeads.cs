using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Audit;

/// <summary>
/// The heads of the audit chains, signed with the audit chain key, for an operator to ship off the machine daily
/// (`audit-heads`). The keyed chain alone cannot tell a chain whose newest entries were deleted (and its head row
/// set back) from a shorter true one; a heads file kept where the database owner cannot write can:
/// `verify-audit --heads &lt;file&gt;` checks that every exported head is still in its chain, unchanged.
/// One line per practice: <c>tandem-audit-head v1 &lt;practice&gt; &lt;sequence&gt; &lt;hash&gt; &lt;exported at&gt; &lt;key id&gt; &lt;mac&gt;</c>;
/// other lines (log output, comments) are ignored when reading.
/// </summary>
public sealed class AuditHeads(TandemDbContext db, AuditChainKeys keys, TimeProvider time)
{
    private const string Prefix = "tandem-audit-head";
    private const string Version = "v1";

    public async Task<IReadOnlyList<string>> ExportAsync(CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var heads = await db.AuditChainHeads.AsNoTracking().Where(h => h.LastSequence > 0).OrderBy(h => h.PracticeId).ToListAsync(ct);
        var at = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return heads.Select(h =>
        {
            var mac = keys.Mac(keys.CurrentId, Signed(h.PracticeId, h.LastSequence, h.LastHash, at, keys.CurrentId));
            return string.Join(' ', Prefix, Version, h.PracticeId.ToString("D"), h.LastSequence.ToString(CultureInfo.InvariantCulture), h.LastHash, at, keys.CurrentId, mac);
        }).ToList();
    }

    /// <summary>Each exported head that is no longer in its chain as it was, or whose line is not signed with a configured key.</summary>
    public async Task<IReadOnlyList<BrokenLink>> CheckAsync(IEnumerable<string> lines, CancellationToken ct = default)
    {
        using var system = db.Tenant.AsSystem();
        var broken = new List<BrokenLink>();
        var read = 0;
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.StartsWith(Prefix + " ", StringComparison.Ordinal)))
        {
            read++;
            var parts = line.Split(' ');
            if (parts is not [_, Version, var p, var s, var hash, var at, var keyId, var mac]
                || !Guid.TryParse(p, out var practice) || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new InvalidOperationException($"Not a line of an audit heads file: '{line}'.");
            }

            var expected = keys.Mac(keyId, Signed(practice, sequence, hash, at, keyId));
            if (expected is null)
            {
                broken.Add(new BrokenLink(practice, sequence, $"the exported head of {at} is signed with audit chain key {keyId}, which is not configured here: it cannot be checked"));
                continue;
            }

            if (!string.Equals(expected, mac, StringComparison.Ordinal))
            {
                broken.Add(new BrokenLink(practice, sequence, $"the exported head of {at} does not match its signature (the heads file was changed)"));
                continue;
            }

            var entry = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practice && e.Sequence == sequence)
                .Select(e => e.Hash).FirstOrDefaultAsync(ct);
            if (entry is null)
            {
                var last = await db.AuditEntries.AsNoTracking().Where(e => e.PracticeId == practice).MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
                broken.Add(new BrokenLink(practice, last + 1, $"the chain ends at entry {last}, but the head exported at {at} was entry {sequence}: the newest entries were removed"));
            }
            else if (!string.Equals(entry, hash, StringComparison.Ordinal))
            {
                broken.Add(new BrokenLink(practice, sequence, $"entry {sequence} is not the one exported at {at} (rewritten)"));
            }
        }

        return read > 0 ? broken : throw new InvalidOperationException("The heads file holds no audit head (lines starting with 'tandem-audit-head').");
    }

    /// <summary>What the MAC covers: every field, with a prefix no audit entry's canonical form has.</summary>
    private static string Signed(Guid practice, long sequence, string hash, string at, string keyId) =>
        string.Join('|', Prefix, Version, practice.ToString("D"), sequence.ToString(CultureInfo.InvariantCulture), hash, at, keyId);
}
