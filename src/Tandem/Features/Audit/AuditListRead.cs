using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Infrastructure.Tenancy;

namespace Tandem.Features.Audit;

/// <summary>
/// One engagement (and, for a personal record, one client) a list showed, beside the list's one chained entry (issue 25).
/// A therapist's caseload of 34 engagements used to be 34 chained entries a view, each a wide row under six indexes with
/// its own MAC: the page's largest cost. Now the view is one entry whose object id names its members by their SHA-256
/// (<see cref="Name"/>), so the chain's MAC covers who was shown, and one narrow row per member here, under the practice,
/// the engagement and the reader, so every client still finds the read in their own access log, newest first, through an
/// index. The verifier recomputes each list's name from its rows; the database refuses to change or remove a row.
/// </summary>
public sealed class AuditListRead : IPracticeScoped
{
    /// <summary>The object id of a list entry: this prefix, then the SHA-256 of its members.</summary>
    public const string Prefix = "list:";

    private AuditListRead()
    {
    }

    public Guid PracticeId { get; private set; }

    /// <summary>The list's chained entry (<see cref="AuditEntry.Id"/>).</summary>
    public long EntryId { get; private set; }

    public Guid EngagementId { get; private set; }

    /// <summary>The client whose personal record the list showed, or <see cref="Guid.Empty"/> for the shared record.</summary>
    public Guid SubjectId { get; private set; }

    /// <summary>Who read the list: the entry's reader, here too so one person's reads are found through the index.</summary>
    public Guid? UserId { get; private set; }

    internal static AuditListRead For(AuditEntry entry, (Guid EngagementId, Guid? SubjectUserId) shown) => new()
    {
        PracticeId = entry.PracticeId,
        EntryId = entry.Id,
        EngagementId = shown.EngagementId,
        SubjectId = shown.SubjectUserId ?? Guid.Empty,
        UserId = entry.UserId,
    };

    /// <summary>
    /// The list's name: <see cref="Prefix"/> and the SHA-256 of its members, each "engagement|subject" (32 lower-case hex
    /// digits, the subject empty for the shared record), sorted, one per line. The same members in any order have one name.
    /// </summary>
    public static string Name(IEnumerable<(Guid EngagementId, Guid? SubjectUserId)> members)
    {
        var lines = members.Select(m => $"{m.EngagementId:N}|{(m.SubjectUserId is { } s && s != Guid.Empty ? s.ToString("N") : "")}")
            .Distinct().Order(StringComparer.Ordinal);
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }
}

internal sealed class AuditListReadConfiguration : IEntityTypeConfiguration<AuditListRead>
{
    public void Configure(EntityTypeBuilder<AuditListRead> builder)
    {
        builder.ToTable("AuditListReads");
        // The verifier reads a practice's rows in the chain's order, entry by entry.
        builder.HasKey(r => new { r.PracticeId, r.EntryId, r.EngagementId, r.SubjectId });
        builder.Property(r => r.PracticeId).ValueGeneratedNever();
        builder.Property(r => r.EntryId).ValueGeneratedNever();
        builder.Property(r => r.EngagementId).ValueGeneratedNever();
        builder.Property(r => r.SubjectId).ValueGeneratedNever();
        // An engagement's list reads by one person, newest first: the access log walks it person by person, and finds the
        // newest of all (whether its kept page is still current) one person at a time. The only index a list's row is written
        // under besides the key: a therapist's Today writes a row for each engagement it shows at every view (issue 25).
        builder.HasIndex(r => new { r.PracticeId, r.EngagementId, r.UserId, r.EntryId });
    }
}
