using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Text;
using Tandem.Features.Accounts;

namespace Tandem.Features.Messages;

/// <summary>A message as the engagement's hub quotes it: who, when, its first words, and whether it is new to the viewer.</summary>
public sealed record RecentMessage(Guid Id, string AuthorName, bool Mine, DateTimeOffset At, string Excerpt, bool Unread, bool OneToOne);

/// <summary>
/// The last few messages of one engagement for its hub (issue 21, "recent notes and messages"), with
/// the same visibility as the conversation: the whole group's thread, the viewer's own one-to-one
/// thread, and a therapist's one-to-one threads with each client. Quoting them marks nothing read
/// (only the conversation page does that); the read is audited like any clinical read.
/// Its own small query, apart from the hub's (<see cref="EngagementHubQueries"/>).
/// </summary>
public sealed class RecentMessages(TandemDbContext db, EngagementAccess access, CurrentUser me, AuditTrail audit)
{
    public const int Shown = 3;

    public const int ExcerptLength = 120;

    public async Task<IReadOnlyList<RecentMessage>> ForEngagementAsync(Guid engagementId, CancellationToken ct = default)
    {
        var engagement = await access.RequireParticipantAsync(engagementId, "RecentMessages", ct);
        var myId = me.Id;
        var therapist = engagement.IsTherapist(myId);
        var rows = await db.Set<Message>().AsNoTracking()
            .Where(m => m.EngagementId == engagementId && (m.ThreadWith == Guid.Empty || m.ThreadWith == myId || therapist))
            .OrderByDescending(m => m.CreatedAt).Take(Shown)
            .Select(m => new { m.Id, m.AuthorId, m.ThreadWith, m.Sequence, m.Body, m.CreatedAt })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }

        var readUpTo = await db.Set<MessageReadState>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.UserId == myId)
            .ToDictionaryAsync(r => r.ThreadWith, r => r.ReadUpTo, ct);
        var authors = rows.Select(r => r.AuthorId).Distinct().ToList();
        var names = await db.DisplayNamesAsync(authors, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "RecentMessages",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        }, ct);

        return rows.Select(r => new RecentMessage(
            r.Id,
            names.GetValueOrDefault(r.AuthorId, "Former member"),
            r.AuthorId == myId,
            r.CreatedAt,
            SafeMarkdown.ToPlainExcerpt(r.Body, ExcerptLength),
            r.AuthorId != myId && r.Sequence > readUpTo.GetValueOrDefault(r.ThreadWith),
            r.ThreadWith != Guid.Empty)).ToList();
    }
}
