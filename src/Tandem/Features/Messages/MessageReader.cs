using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Practices;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;
using Tandem.Infrastructure.Text;
using Tandem.Features.Accounts;

namespace Tandem.Features.Messages;

/// <summary>
/// Turns stored messages into what people see. Callers have already checked access; this
/// class only reads. Every list is paged and every count is an indexed query.
/// </summary>
public sealed class MessageReader(TandemDbContext db, MessageThreads threads, CurrentUser me, SafeMarkdown markdown, AuditTrail audit, Infrastructure.Caching.ViewCache cache)
{
    /// <summary>
    /// One page of a thread for the caller, kept in memory like the other views opened all day (<see cref="Infrastructure.Caching.ViewCache"/>):
    /// a new message, a read mark or a settings change moves the practice's data version, so the next view is made afresh.
    /// Access to the thread (<see cref="MessageThreads.RequireAsync"/>) is decided when the view is made; a kept view is
    /// this person's, made under the same data version, and every change that could change the decision (a participant,
    /// the engagement, its messaging settings, the thread's first message, the person's account) moves that version.
    /// The caller records the read.
    /// </summary>
    public Task<MessagePage> PageAsync(Guid engagementId, Guid? withClient, long? before, int limit, CancellationToken ct) =>
        cache.GetAsync("messages", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{engagementId:N}:{withClient ?? Guid.Empty:N}:{before}:{limit}"),
            async () =>
            {
                var (engagement, thread, settings) = await threads.RequireAsync(engagementId, withClient, forWriting: false, ct);
                return await MakePageAsync(engagement, thread, settings, before, limit, ct);
            }, ct);

    private async Task<MessagePage> MakePageAsync(Engagement engagement, Guid thread, EngagementMessagingSettings? settings, long? before, int limit, CancellationToken ct)
    {
        var query = db.Set<Message>().AsNoTracking().Where(m => m.EngagementId == engagement.Id && m.ThreadWith == thread);
        if (before is { } cursor)
        {
            query = query.Where(m => m.Sequence < cursor);
        }

        var newestFirst = await query.OrderByDescending(m => m.Sequence).Take(limit + 1).ToListAsync(ct);
        var hasMore = newestFirst.Count > limit;
        var items = newestFirst.Take(limit).Reverse().ToList();
        // Who has read how far in this thread: the messages' "seen by" and, from the same rows, how far I have read.
        var readers = await ReadersAsync(engagement.Id, thread, ct);
        var views = await ViewsAsync(engagement, thread, items, readers, ct);
        var readUpTo = readers.FirstOrDefault(r => r.UserId == me.Id)?.ReadUpTo ?? 0;
        var visible = await threads.VisibleThreadsAsync(engagement, settings, ct);
        var unreadByThread = await UnreadByThreadAsync(engagement.Id, visible, ct);
        var names = await NamesAsync(visible.Where(t => t != Guid.Empty), ct);
        var threadViews = visible.Select(t => new ThreadView(
            t == Guid.Empty ? null : t,
            t == Guid.Empty ? "Everyone" : engagement.IsTherapist(me.Id) ? $"Only with {names.GetValueOrDefault(t, "this client")}" : "Only with your therapist",
            unreadByThread.GetValueOrDefault(t))).ToList();

        string? readOnly = null;
        try
        {
            engagement.EnsureWritable();
            if (thread != Guid.Empty && settings?.AllowPrivateThreads != true)
            {
                readOnly = "One-to-one messages are turned off for this engagement. This thread stays readable.";
            }
        }
        catch (DomainException ex)
        {
            readOnly = ex.Message;
        }

        var practice = await db.Set<PracticeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.PracticeId == engagement.PracticeId, ct)
            ?? PracticeSettings.Defaults(engagement.PracticeId);
        return new MessagePage(
            engagement.Id,
            engagement.Title,
            thread == Guid.Empty ? null : thread,
            views,
            hasMore ? items[0].Sequence : null,
            unreadByThread.GetValueOrDefault(thread),
            readUpTo,
            threadViews,
            settings?.AllowPrivateThreads == true,
            readOnly is null,
            readOnly,
            practice.ExpectedReply,
            practice.CrisisInformation);
    }

    public async Task<IReadOnlyList<MessageView>> ViewsAsync(Engagement engagement, Guid thread, IReadOnlyList<Message> messages, CancellationToken ct) =>
        await ViewsAsync(engagement, thread, messages, await ReadersAsync(engagement.Id, thread, ct), ct);

    private sealed record ThreadReader(Guid UserId, long ReadUpTo, DateTimeOffset ReadAt);

    private Task<List<ThreadReader>> ReadersAsync(Guid engagementId, Guid thread, CancellationToken ct) =>
        db.Set<MessageReadState>().AsNoTracking()
            .Where(r => r.EngagementId == engagementId && r.ThreadWith == thread)
            .Select(r => new ThreadReader(r.UserId, r.ReadUpTo, r.ReadAt))
            .ToListAsync(ct);

    private async Task<IReadOnlyList<MessageView>> ViewsAsync(Engagement engagement, Guid thread, IReadOnlyList<Message> messages, List<ThreadReader> readers, CancellationToken ct)
    {
        var audience = MessageThreads.AudienceOf(engagement, thread).ToHashSet();
        var names = await NamesAsync(messages.Select(m => m.AuthorId).Concat(readers.Select(r => r.UserId)), ct);
        return messages.Select(m => new MessageView(
            m.Id,
            m.EngagementId,
            m.ThreadWith == Guid.Empty ? null : m.ThreadWith,
            m.Sequence,
            m.AuthorId,
            names.GetValueOrDefault(m.AuthorId, "Former member"),
            m.Body,
            markdown.ToHtml(m.Body),
            m.CreatedAt,
            m.AuthorId == me.Id,
            readers.Where(r => r.UserId != m.AuthorId && r.ReadUpTo >= m.Sequence && audience.Contains(r.UserId))
                .Select(r => new ReaderView(r.UserId, names.GetValueOrDefault(r.UserId, "Former member"), r.ReadAt))
                .ToList())).ToList();
    }

    /// <summary>Unread messages per engagement for the home pages: one grouped, indexed query.</summary>
    public Task<IReadOnlyList<UnreadView>> UnreadForMeAsync(CancellationToken ct = default) => UnreadForMeAsync(null, ct);

    /// <summary>The unread counts of one engagement of mine only (the hub shows its own), or of all when null.</summary>
    public Task<IReadOnlyList<UnreadView>> UnreadForMeAsync(Guid? engagementId, CancellationToken ct = default) =>
        cache.GetAsync("unread", engagementId?.ToString() ?? "", () => MakeUnreadForMeAsync(engagementId, ct), ct);

    private async Task<IReadOnlyList<UnreadView>> MakeUnreadForMeAsync(Guid? engagementId, CancellationToken ct)
    {
        var myId = me.Id;
        var mine = await db.Participants.AsNoTracking()
            .Where(p => p.UserId == myId && p.LeftAt == null && (engagementId == null || p.EngagementId == engagementId))
            .Join(db.Engagements, p => p.EngagementId, e => e.Id, (p, e) => new { e.Id, e.Title, p.Role, e.CreatedAt })
            .ToListAsync(ct);
        if (mine.Count == 0)
        {
            return [];
        }

        var ids = mine.Select(e => e.Id).ToList();
        var asTherapist = mine.Where(e => e.Role == ParticipantRole.Therapist).Select(e => e.Id).ToList();
        var counts = await VisibleMessages(ids, asTherapist)
            .Where(m => m.AuthorId != myId)
            .Where(m => m.Sequence > (db.Set<MessageReadState>()
                .Where(r => r.EngagementId == m.EngagementId && r.ThreadWith == m.ThreadWith && r.UserId == myId)
                .Select(r => (long?)r.ReadUpTo).FirstOrDefault() ?? 0))
            .GroupBy(m => m.EngagementId)
            .Select(g => new { EngagementId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.EngagementId, g => g.Count, ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "MessageUnreadCounts",
            ObjectId = myId.ToString(),
            SubjectUserId = myId,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        // Lists name the people, not only the engagement's title (issue 21).
        var others = await db.Participants.AsNoTracking()
            .Where(p => ids.Contains(p.EngagementId) && p.LeftAt == null && p.UserId != myId)
            .Join(db.Users, p => p.UserId, u => u.Id, (p, u) => new { p.EngagementId, p.Role, u.DisplayName })
            .ToListAsync(ct);
        string With(Guid engagementId, ParticipantRole myRole)
        {
            var wanted = myRole == ParticipantRole.Therapist ? ParticipantRole.Client : ParticipantRole.Therapist;
            var names = others.Where(o => o.EngagementId == engagementId && o.Role == wanted)
                .Select(o => o.DisplayName).Order(StringComparer.CurrentCulture).ToList();
            return names.Count <= 1 ? names.FirstOrDefault() ?? "" : string.Join(", ", names[..^1]) + " and " + names[^1];
        }

        return mine
            .Select(e => new UnreadView(e.Id, e.Title, counts.GetValueOrDefault(e.Id)) { With = With(e.Id, e.Role) })
            .OrderByDescending(u => u.Unread > 0).ThenBy(u => u.Title, StringComparer.CurrentCulture)
            .ToList();
    }

    private IQueryable<Message> VisibleMessages(List<Guid> engagementIds, List<Guid> asTherapist)
    {
        var myId = me.Id;
        return db.Set<Message>().AsNoTracking()
            .Where(m => engagementIds.Contains(m.EngagementId))
            .Where(m => m.ThreadWith == Guid.Empty || m.ThreadWith == myId || asTherapist.Contains(m.EngagementId));
    }

    private async Task<Dictionary<Guid, int>> UnreadByThreadAsync(Guid engagementId, IReadOnlyList<Guid> visible, CancellationToken ct)
    {
        var myId = me.Id;
        var list = visible.ToList();
        return await db.Set<Message>().AsNoTracking()
            .Where(m => m.EngagementId == engagementId && list.Contains(m.ThreadWith) && m.AuthorId != myId)
            .Where(m => m.Sequence > (db.Set<MessageReadState>()
                .Where(r => r.EngagementId == m.EngagementId && r.ThreadWith == m.ThreadWith && r.UserId == myId)
                .Select(r => (long?)r.ReadUpTo).FirstOrDefault() ?? 0))
            .GroupBy(m => m.ThreadWith)
            .Select(g => new { Thread = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Thread, g => g.Count, ct);
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        return await db.DisplayNamesAsync(ids, ct);
    }
}
