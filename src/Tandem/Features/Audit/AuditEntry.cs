using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

public enum AuditAction
{
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

public enum AuditOutcome
{
    Success,
    Failure,
    Refused,
}

/// <summary>
/// One line of the tamper-evident audit (ASTM E2147 / FHIR AuditEvent fields). Never holds
/// clinical text: only who, when, what kind of record and which id. Each entry carries the
/// HMAC-SHA256 of its canonical form with the audit chain key (<see cref="AuditChainKeys"/>, kept
/// outside the database; <see cref="KeyId"/> names it) and the previous entry's hash, per practice,
/// in sequence. Entries written before the key existed carry a plain SHA-256 (KeyId "sha256").
/// The database refuses updates and deletes of these rows.
/// </summary>
public sealed class AuditEntry : IPracticeScoped
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry()
    {
    }

    public long Id { get; private set; }

    /// <summary>The id the database gave the row (read back only where a list's members need it).</summary>
    internal void Assigned(long id) => Id = id;

    public Guid PracticeId { get; private set; }

    public long Sequence { get; private set; }

    public DateTimeOffset At { get; private set; }

    public Guid? UserId { get; private set; }

    public string? Role { get; private set; }

    public Guid? EngagementId { get; private set; }

    /// <summary>The client whose record this is, where there is one.</summary>
    public Guid? SubjectUserId { get; private set; }

    public AuditAction Action { get; private set; }

    public string ObjectType { get; private set; } = "";

    public string? ObjectId { get; private set; }

    public string DataCategory { get; private set; } = "";

    public AuditOutcome Outcome { get; private set; }

    public string? SourceAddress { get; private set; }

    public string Purpose { get; private set; } = "";

    public string PreviousHash { get; private set; } = Genesis;

    public string Hash { get; private set; } = "";

    /// <summary>Which key made <see cref="Hash"/>: a key's fingerprint, or <see cref="AuditChainKeys.LegacyKeyId"/> for plain SHA-256.</summary>
    public string KeyId { get; private set; } = AuditChainKeys.LegacyKeyId;

    internal static AuditEntry Chain(AuditEvent e, Guid practiceId, long sequence, string previousHash, AuditChainKeys keys)
    {
        var entry = new AuditEntry
        {
            PracticeId = practiceId,
            Sequence = sequence,
            // Whole milliseconds: both databases store them exactly (SQLite keeps 0.1 ms,
            // PostgreSQL 1 µs), so the hash recomputed from a stored row stays the same.
            At = new DateTimeOffset(e.At.UtcTicks - (e.At.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
            UserId = e.UserId,
            Role = Trim(e.Role, 32),
            EngagementId = e.EngagementId,
            SubjectUserId = e.SubjectUserId,
            Action = e.Action,
            ObjectType = Trim(e.ObjectType, 64) ?? "",
            ObjectId = Trim(e.ObjectId, 128),
            DataCategory = Trim(e.DataCategory, 64) ?? "",
            Outcome = e.Outcome,
            SourceAddress = Trim(e.SourceAddress, 64),
            Purpose = Trim(e.Purpose, 64) ?? "",
            PreviousHash = previousHash,
            KeyId = keys.CurrentId,
        };
        entry.Hash = entry.ComputeHash(keys) ?? throw new InvalidOperationException("The current audit chain key is missing.");
        return entry;
    }

    /// <summary>The canonical form: every field in a fixed order, invariant formatting.</summary>
    public string CanonicalForm()
    {
        Span<char> buffer = stackalloc char[StackChars];
        var length = WriteCanonical(buffer, keyId: null);
        return length >= 0 ? new string(buffer[..length]) : new string(CanonicalOnHeap(keyId: null));
    }

    /// <summary>
    /// The hash this entry should carry: the HMAC of its canonical form and key id with the key <see cref="KeyId"/>
    /// names (null when that key is not configured), or the plain SHA-256 of a legacy entry.
    /// </summary>
    public string? ComputeHash(AuditChainKeys keys) => KeyId == AuditChainKeys.LegacyKeyId
        ? ComputeLegacyHash()
        : HashOf(keyed: true, keys);

    /// <summary>The unkeyed hash of entries written before the chain was keyed (anyone can recompute it).</summary>
    public string ComputeLegacyHash() => HashOf(keyed: false, keys: null)!;

    /// <summary>
    /// Hashes the canonical form (with "|" and the key id when keyed) as written into a buffer on the stack, not built as
    /// strings: every read a page shows is an entry, and the strings of a 25-engagement list's entries were a tenth of
    /// what a caseload view allocated (issue 25). The bytes hashed are exactly those of the canonical form's string.
    /// </summary>
    private string? HashOf(bool keyed, AuditChainKeys? keys)
    {
        Span<char> chars = stackalloc char[StackChars];
        var length = WriteCanonical(chars, keyed ? KeyId : null);
        ReadOnlySpan<char> canonical = length >= 0 ? chars[..length] : CanonicalOnHeap(keyed ? KeyId : null);

        var most = Encoding.UTF8.GetMaxByteCount(canonical.Length);
        var rented = most > StackChars * 3 ? ArrayPool<byte>.Shared.Rent(most) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[StackChars * 3];
            var content = bytes[..Encoding.UTF8.GetBytes(canonical, bytes)];
            return keyed ? keys!.Mac(KeyId, content) : Convert.ToHexStringLower(SHA256.HashData(content));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Room for any entry within the stored columns' lengths (about 750 characters at most).</summary>
    private const int StackChars = 1024;

    /// <summary>The canonical form for an entry too long for the stack buffer (only fields longer than their columns).</summary>
    private char[] CanonicalOnHeap(string? keyId)
    {
        for (var size = StackChars * 4; ; size *= 2)
        {
            var buffer = new char[size];
            var length = WriteCanonical(buffer, keyId);
            if (length >= 0)
            {
                return buffer[..length];
            }
        }
    }

    /// <summary>
    /// Writes the canonical form (then "|" and <paramref name="keyId"/> when given); -1 when it does not fit. Ids are 32
    /// lower-case hex digits ("N"), numbers invariant, enums by name, and an empty field is written as nothing.
    /// </summary>
    private int WriteCanonical(Span<char> buffer, string? keyId)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (!buffer.TryWrite(invariant, $"{PracticeId:N}|{Sequence}|{At.UtcTicks}|{UserId:N}|{Role}|{EngagementId:N}|{SubjectUserId:N}|{Action}|{ObjectType}|{ObjectId}|{DataCategory}|{Outcome}|{SourceAddress}|{Purpose}|{PreviousHash}", out var length))
        {
            return -1;
        }

        if (keyId is null)
        {
            return length;
        }

        return buffer[length..].TryWrite(invariant, $"|{keyId}", out var more) ? length + more : -1;
    }

    private static string? Trim(string? value, int max) =>
        value is null ? null : value.Length <= max ? value : value[..max];
}

/// <summary>The newest entry of one practice's chain; locked while the chain is extended.</summary>
public sealed class AuditChainHead
{
    public Guid PracticeId { get; set; }

    public long LastSequence { get; set; }

    public string LastHash { get; set; } = AuditEntry.Genesis;
}
