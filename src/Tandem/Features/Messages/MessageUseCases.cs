using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Audit;
using Tandem.Features.Engagements;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Errors;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Messages;

/// <summary>Writing and reading messages; called by the API, the conversation page and the hub alike.</summary>
public sealed class MessageUseCases(
    TandemDbContext db,
    MessageThreads threads,
    MessageReader reader,
    CurrentUser me,
    AuditTrail audit,
    TimeProvider time,
    Notifier notifier,
    MessagingEvents events)
{
    public async Task<MessageView> PostAsync(Guid engagementId, Guid? withClient, string? body, CancellationToken ct = default)
    {
        var (engagement, thread, _) = await threads.RequireAsync(engagementId, withClient, forWriting: true, ct);
        // Everything is checked before anything is written: nothing half-stored.
        var text = Message.CleanBody(body);
        engagement.EnsureWritable();

        Message? message = null;
        for (var attempt = 1; message is null; attempt++)
        {
            // Writers to one engagement queue: SQLite's transaction takes the write lock at once
            // (IMMEDIATE); on PostgreSQL the no-op UPDATE locks the engagement's row until commit.
            // So the next position is read after the previous writer committed; the unique index
            // and the retry below remain the safety net.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Engagements.Where(e => e.Id == engagementId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Version, e => e.Version), ct);
            var last = await db.Set<Message>().Where(m => m.EngagementId == engagementId && m.ThreadWith == thread)
                .MaxAsync(m => (long?)m.Sequence, ct) ?? 0;
            var candidate = Message.Write(engagement, thread, last + 1, me.Id, text, time.GetUtcNow());
            db.Set<Message>().Add(candidate);
            await AdvanceReadAsync(engagement.PracticeId, engagementId, thread, candidate.Sequence, ct);
            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Create,
                ObjectType = "Message",
                ObjectId = candidate.Id.ToString(),
                EngagementId = engagementId,
                SubjectUserId = thread == Guid.Empty ? null : thread,
                DataCategory = AuditCategories.Clinical,
            });
            var audience = MessageThreads.AudienceOf(engagement, thread);
            await notifier.NotifyAsync(audience.Where(id => id != me.Id), NotificationKinds.NewMessage, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                message = candidate;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Someone else took this position in the thread at the same moment: start over
                // with a clean unit of work (the failed one was rolled back whole).
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                engagement = await db.Engagements.Include(e => e.Participants).FirstAsync(e => e.Id == engagementId, ct);
            }
        }

        await events.PublishAsync(new MessagingEvent(MessagingEventKind.Posted, engagementId, thread, me.Id, message.Sequence, message.Id)
        {
            Audience = MessageThreads.AudienceOf(engagement, thread),
            PracticeId = engagement.PracticeId,
            ActorName = me.DisplayName,
        });
        return (await reader.ViewsAsync(engagement, thread, [message], ct))[0];
    }

    public async Task<MessagePage> ListAsync(Guid engagementId, Guid? withClient, long? before = null, int limit = 50, CancellationToken ct = default)
    {
        var thread = withClient ?? Guid.Empty;
        var page = await reader.PageAsync(engagementId, withClient, before, Math.Clamp(limit, 1, 200), ct);
        await audit.RecordAsync(new AuditEvent
        {
            Action = AuditAction.Read,
            ObjectType = "MessageThread",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            SubjectUserId = thread == Guid.Empty ? null : thread,
            DataCategory = AuditCategories.Clinical,
        }, ct);
        return page;
    }

    /// <summary>Marks this message, and everything before it in its thread, as read by the caller.</summary>
    public async Task<ReadResult> MarkReadAsync(Guid messageId, CancellationToken ct = default)
    {
        var message = await db.Set<Message>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId, ct);
        if (message is null)
        {
            await threads.RefuseAsync(messageId, ct);
        }

        var (engagement, thread, _) = await threads.RequireAsync(message!.EngagementId, message.ThreadWith == Guid.Empty ? null : message.ThreadWith, forWriting: false, ct);
        for (var attempt = 1; ; attempt++)
        {
            var changed = await AdvanceReadAsync(engagement.PracticeId, engagement.Id, thread, message.Sequence, ct);
            if (!changed)
            {
                if (attempt == 1)
                {
                    // Already marked read: nothing is written, but the person has looked at the message again.
                    await audit.RecordAsync(new AuditEvent
                    {
                        Action = AuditAction.Read,
                        ObjectType = "Message",
                        ObjectId = message.Id.ToString(),
                        EngagementId = engagement.Id,
                        SubjectUserId = thread == Guid.Empty ? null : thread,
                        DataCategory = AuditCategories.Clinical,
                    }, ct);
                }

                break;
            }

            audit.Stage(new AuditEvent
            {
                Action = AuditAction.Update,
                ObjectType = "MessageReadState",
                ObjectId = message.Id.ToString(),
                EngagementId = engagement.Id,
                DataCategory = AuditCategories.Clinical,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                await events.PublishAsync(new MessagingEvent(MessagingEventKind.Read, engagement.Id, thread, me.Id, message.Sequence, message.Id)
                {
                    Audience = MessageThreads.AudienceOf(engagement, thread),
                    PracticeId = engagement.PracticeId,
                    ActorName = me.DisplayName,
                });
                break;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two tabs created the same read state at once; the other one won, try again.
                db.ChangeTracker.Clear();
            }
        }

        var readUpTo = await db.Set<MessageReadState>().Where(r => r.EngagementId == engagement.Id && r.ThreadWith == thread && r.UserId == me.Id)
            .Select(r => r.ReadUpTo).FirstOrDefaultAsync(ct);
        var unread = await db.Set<Message>().CountAsync(m => m.EngagementId == engagement.Id && m.ThreadWith == thread && m.Sequence > readUpTo && m.AuthorId != me.Id, ct);
        return new ReadResult(message.Id, readUpTo, unread);
    }

    /// <summary>A therapist allows or stops one-to-one threads in the engagement.</summary>
    public async Task<bool> SetPrivateThreadsAsync(Guid engagementId, bool? allow, CancellationToken ct = default)
    {
        var (engagement, _, settings) = await threads.RequireAsync(engagementId, null, forWriting: false, ct);
        if (!engagement.IsTherapist(me.Id))
        {
            await threads.RefuseAsync(engagementId, ct);
        }

        if (allow is null)
        {
            throw new DomainException("Say whether one-to-one threads are allowed.", DomainError.Invalid,
                new Dictionary<string, string[]> { ["allowPrivateThreads"] = ["true or false."] });
        }

        engagement.EnsureNotEnded();
        var now = time.GetUtcNow();
        if (settings is null)
        {
            settings = EngagementMessagingSettings.For(engagement, now, me.Id);
            db.Set<EngagementMessagingSettings>().Add(settings);
        }

        settings.Set(allow.Value, me.Id, now);
        audit.Stage(new AuditEvent
        {
            Action = AuditAction.Update,
            ObjectType = "EngagementMessagingSettings",
            ObjectId = engagementId.ToString(),
            EngagementId = engagementId,
            DataCategory = AuditCategories.Clinical,
        });
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(new MessagingEvent(MessagingEventKind.SettingsChanged, engagementId, Guid.Empty, me.Id, 0, null)
        {
            Audience = MessageThreads.AudienceOf(engagement, Guid.Empty),
            PracticeId = engagement.PracticeId,
            ActorName = me.DisplayName,
        });
        return settings.AllowPrivateThreads;
    }

    private async Task<bool> AdvanceReadAsync(Guid practiceId, Guid engagementId, Guid thread, long upTo, CancellationToken ct)
    {
        var set = db.Set<MessageReadState>();
        var state = set.Local.FirstOrDefault(r => r.EngagementId == engagementId && r.ThreadWith == thread && r.UserId == me.Id)
            ?? await set.FirstOrDefaultAsync(r => r.EngagementId == engagementId && r.ThreadWith == thread && r.UserId == me.Id, ct);
        var now = time.GetUtcNow();
        if (state is null)
        {
            state = MessageReadState.Start(practiceId, engagementId, thread, me.Id, now);
            set.Add(state);
        }

        return state.Advance(upTo, now);
    }
}
