using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Tandem.Features.Audit;

namespace Tandem.UnitTests.Audit;

/// <summary>
/// An entry's hash is the HMAC (or, for entries from before the key, the SHA-256) of its canonical form: the fields
/// joined by "|" in a fixed order, invariant formatting, ids as 32 lower-case hex digits, nothing for an empty field,
/// then "|" and the key id when keyed. Every stored chain depends on these exact bytes, so the hash written from a
/// buffer on the stack (issue 25) is checked here against that definition spelled out as strings.
/// </summary>
public sealed class AuditHashTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static AuditEntry Sample(string objectId = "Café – ünïcode ✓", Guid? subject = null, string? role = "Therapist") =>
        AuditEntry.Chain(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "Engagement",
            ObjectId = objectId,
            DataCategory = AuditCategories.Clinical,
            Outcome = AuditOutcome.Refused,
            Purpose = AuditPurposes.Treatment,
            EngagementId = Guid.Parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"),
            SubjectUserId = subject,
            UserId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            Role = role,
            SourceAddress = "2001:db8::1",
            At = new DateTimeOffset(2026, 12, 7, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(1234),
        }, Guid.Parse("99999999-8888-7777-6666-555555555555"), 4_000_000_123, new string('a', 64), AuditChainKeys.ForTesting(Key));

    /// <summary>The canonical form as it was first defined (string.Join of the fields).</summary>
    private static string Defined(AuditEntry e) => string.Join('|',
        e.PracticeId.ToString("N"),
        e.Sequence.ToString(CultureInfo.InvariantCulture),
        e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
        e.UserId?.ToString("N") ?? "",
        e.Role ?? "",
        e.EngagementId?.ToString("N") ?? "",
        e.SubjectUserId?.ToString("N") ?? "",
        e.Action.ToString(),
        e.ObjectType,
        e.ObjectId ?? "",
        e.DataCategory,
        e.Outcome.ToString(),
        e.SourceAddress ?? "",
        e.Purpose,
        e.PreviousHash);

    private static string KeyedHash(AuditEntry e) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(Defined(e) + "|" + e.KeyId)));

    [Fact]
    public void A_keyed_entrys_hash_is_the_hmac_of_its_canonical_form_and_key_id()
    {
        foreach (var entry in new[] { Sample(), Sample(subject: Guid.NewGuid(), role: null), Sample(objectId: "") })
        {
            Assert.Equal(Defined(entry), entry.CanonicalForm());
            Assert.Equal(KeyedHash(entry), entry.Hash);
            Assert.Equal(entry.Hash, entry.ComputeHash(AuditChainKeys.ForTesting(Key)));
        }
    }

    [Fact]
    public void A_legacy_entrys_hash_is_the_sha256_of_its_canonical_form()
    {
        var entry = Sample();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Defined(entry)))), entry.ComputeLegacyHash());
    }

    [Fact]
    public void An_entry_longer_than_any_column_allows_still_hashes_by_the_definition()
    {
        // Only a row changed outside Tandem can be this long; the verifier must still recompute its hash exactly.
        var entry = Sample();
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.ObjectId))!.SetValue(entry, string.Concat(Enumerable.Repeat("é✓x", 3000)), BindingFlags.NonPublic | BindingFlags.Instance, null, null, null);
        Assert.Equal(Defined(entry), entry.CanonicalForm());
        Assert.Equal(KeyedHash(entry), entry.ComputeHash(AuditChainKeys.ForTesting(Key)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Defined(entry)))), entry.ComputeLegacyHash());
    }
}
